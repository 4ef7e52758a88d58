from prometheus_client import Counter, Histogram

# A counter, so Prometheus gives votes per minute as rate(encore_votes_total[5m]) * 60.
VOTES = Counter(
    "encore_votes",
    "Jukebox votes stored (a track's request is its first vote); per minute: rate() * 60",
)
QUEUE_SNAPSHOT_SECONDS = Histogram(
    "encore_queue_snapshot_seconds",
    "Time to build the jukebox queue snapshot a socket gets on connect or resync",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
