from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def compute_trending() -> int:
    """Re-rank what is trending into the cache (beat, every ten minutes); safe to run twice."""
    from .trending import compute_trending as compute

    return len(compute())
