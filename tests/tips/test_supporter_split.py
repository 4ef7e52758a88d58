"""A supporter's net fee split among the artists they engaged with, to the cent."""

from __future__ import annotations

from fractions import Fraction
from math import floor

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.tips.split import split_net

X, Y, Z, W = 1, 2, 3, 4

nets = st.integers(min_value=0, max_value=10**7)
engagements = st.dictionaries(
    st.integers(min_value=1, max_value=10**6), st.integers(min_value=0, max_value=10**4), max_size=30
)
# Equal engagement for several artists is where the tie rule matters; small values make it common.
tied_engagements = st.dictionaries(
    st.integers(min_value=1, max_value=50), st.integers(min_value=0, max_value=3), max_size=12
)


def exact(net: int, engagement: dict[int, int], artist: int) -> Fraction:
    return Fraction(net * engagement[artist], sum(engagement.values()))


def test_the_worked_example_supporter_a_gives_the_odd_cent_to_the_lowest_id():
    # X: 4 plays + 1 like, Y: 5 plays + 1 vote, Z: 7 views; all E = 7.
    assert split_net(400, {X: 7, Y: 7, Z: 7}) == {X: 134, Y: 133, Z: 133}


def test_the_worked_example_supporter_b_splits_in_proportion():
    # W: 95 plays, Z: 5 plays.
    assert split_net(400, {W: 95, Z: 5}) == {W: 380, Z: 20}


def test_no_engagement_gives_no_shares():
    assert split_net(400, {}) == {}
    assert split_net(400, {X: 0, Y: 0}) == {}


def test_negative_net_or_engagement_is_refused():
    with pytest.raises(ValueError):
        split_net(-1, {X: 1})
    with pytest.raises(ValueError):
        split_net(400, {X: 3, Y: -1})


def test_the_leftover_cents_go_to_the_largest_fractional_parts():
    # Exact shares 100/7 * (1, 2, 4) = 14.29, 28.57, 57.14: Y has the largest remainder.
    assert split_net(100, {X: 1, Y: 2, Z: 4}) == {X: 14, Y: 29, Z: 57}


@given(nets, engagements)
def test_shares_sum_exactly_to_the_net(net, engagement):
    shares = split_net(net, engagement)
    assert sum(shares.values()) == (net if any(engagement.values()) else 0)


@given(nets, engagements)
def test_no_share_is_negative(net, engagement):
    assert all(share >= 0 for share in split_net(net, engagement).values())


@given(nets, engagements)
def test_only_engaged_artists_get_shares(net, engagement):
    assert set(split_net(net, engagement)) == {artist for artist, e in engagement.items() if e > 0}


@given(nets, engagements, st.data())
def test_the_split_does_not_depend_on_the_order_of_the_artists(net, engagement, data):
    shuffled = dict(data.draw(st.permutations(list(engagement.items()))))
    assert list(split_net(net, shuffled).items()) == list(split_net(net, engagement).items())


@given(nets, st.dictionaries(st.integers(min_value=1), st.just(0), max_size=10))
def test_zero_engagement_gives_an_empty_split(net, engagement):
    assert split_net(net, engagement) == {}


@given(nets, engagements)
def test_each_share_is_the_exact_share_rounded_down_or_up(net, engagement):
    for artist, share in split_net(net, engagement).items():
        proportional = exact(net, engagement, artist)
        assert abs(share - proportional) < 1
        assert share in (floor(proportional), floor(proportional) + 1)


@given(nets, tied_engagements)
def test_a_larger_fractional_part_never_gets_less_rounding_up(net, engagement):
    shares = split_net(net, engagement)
    extra = {a: share - floor(exact(net, engagement, a)) for a, share in shares.items()}
    fraction = {a: exact(net, engagement, a) % 1 for a in shares}
    for a in shares:
        for b in shares:
            if fraction[a] > fraction[b]:
                assert extra[a] >= extra[b]


@given(nets, tied_engagements)
def test_ties_go_to_the_lowest_artist_id(net, engagement):
    shares = split_net(net, engagement)
    extra = {a: share - floor(exact(net, engagement, a)) for a, share in shares.items()}
    fraction = {a: exact(net, engagement, a) % 1 for a in shares}
    for a in shares:
        for b in shares:
            if a < b and fraction[a] == fraction[b]:
                assert extra[a] >= extra[b]
