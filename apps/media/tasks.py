from celery import shared_task

from .models import Clip, Story, Track

MODELS = {"clip": Clip, "story": Story, "track": Track}


@shared_task(acks_late=True, ignore_result=True)
def process_media(kind: str, item_id: int) -> None:
    """Poster, thumbnail and web variant of one uploaded item; safe to run twice."""
    from . import services

    model = MODELS.get(kind)
    item = model._base_manager.select_related("artist__user").filter(pk=item_id).first() if model else None
    if item is None:
        return
    services.start_processing_attempt(item)
    services.process_item(item)


@shared_task(acks_late=True, ignore_result=True)
def delete_expired_stories() -> int:
    """Delete stories past their 24 hours (they stopped being served at that moment)."""
    from .services import delete_expired_stories as delete

    return delete()


@shared_task(acks_late=True, ignore_result=True)
def requeue_stuck_media() -> int:
    """Processing that stopped (a killed worker) starts again, or fails after its last try."""
    from .services import requeue_stuck_media as requeue

    return requeue()


@shared_task(acks_late=True, ignore_result=True)
def remove_abandoned_uploads() -> int:
    """Direct uploads never confirmed, and upload copies a killed process left, go after their window."""
    from . import services

    return services.remove_abandoned_uploads()
