from celery import shared_task

from .models import Performance


@shared_task(acks_late=True, ignore_result=True)
def notify_followers_live(performance_id: int) -> None:
    """Tell an artist's followers they went live; safe to run twice."""
    from .services import notify_followers_of_live

    performance = Performance.objects.select_related("artist").filter(pk=performance_id).first()
    if performance is None:
        return
    notify_followers_of_live(performance)


@shared_task(acks_late=True, ignore_result=True)
def end_stale_performances() -> None:
    """Take performances nobody is playing any more off the map; safe to run twice."""
    from .services import end_stale_performances

    end_stale_performances()
