"""How one supporter's net fee is shared among the artists they engaged with."""

from __future__ import annotations

from collections.abc import Mapping


def split_net(net: int, engagement: Mapping[int, int]) -> dict[int, int]:
    """Share ``net`` cents among artists by weighted engagement: whole cents, summing to ``net``.
    The cents lost to flooring go one each to the largest remainders (ties to the lowest id).
    No engagement at all gives no shares; the caller rolls the amount over."""
    if net < 0:
        raise ValueError(f"net must not be negative, got {net}")
    if any(weight < 0 for weight in engagement.values()):
        raise ValueError("engagement must not be negative")
    engaged = {artist: weight for artist, weight in engagement.items() if weight > 0}
    total = sum(engaged.values())
    if total == 0:
        return {}

    # Each remainder is the fractional part times ``total``: one denominator for all,
    # so comparing remainders compares fractions exactly.
    shares: dict[int, int] = {}
    remainders: dict[int, int] = {}
    for artist, weight in engaged.items():
        shares[artist], remainders[artist] = divmod(net * weight, total)
    leftover = net - sum(shares.values())
    for artist in sorted(engaged, key=lambda artist: (-remainders[artist], artist))[:leftover]:
        shares[artist] += 1
    return dict(sorted(shares.items()))
