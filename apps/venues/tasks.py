from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def open_and_close_events() -> None:
    """Open and close jukebox nights at their hours; safe to run twice."""
    from .services import open_and_close_due_events

    open_and_close_due_events()
