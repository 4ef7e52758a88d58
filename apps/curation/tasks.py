from celery import shared_task


@shared_task(acks_late=True, ignore_result=True)
def compute_trending() -> int:
    """Re-rank what is trending into the cache (beat, every ten minutes); safe to run twice."""
    from .trending import compute_trending as compute

    return len(compute())


@shared_task(acks_late=True, ignore_result=True)
def aggregate_recent_days() -> int:
    """Recompute yesterday's and today's stats (site time) from the raw events; safe to run twice."""
    from datetime import timedelta

    from .stats import aggregate_days, site_today

    today = site_today()
    # Yesterday too: its last hour is only complete after midnight.
    return aggregate_days(today - timedelta(days=1), today)
