from prometheus_client import Counter

VOTES = Counter("encore_votes", "Jukebox votes stored (a track's request is its first vote)")
