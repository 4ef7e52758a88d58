"""Two runs of the same month at once, on PostgreSQL: each supporter's month is split once.

Each thread is a worker with its own database connection; a barrier releases them together.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from apps.media.models import Play
from apps.tips import services
from apps.tips.models import EntryKind, LedgerEntry, SupporterAllocation, SupporterShare
from apps.tips.querysets import supporter_account
from tests.concurrency import at_once
from tests.factories import ArtistProfileFactory, TrackFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

LISBON = ZoneInfo("Europe/Lisbon")
JULY = date(2025, 7, 1)


@pytest.fixture
def supporters(settings):
    settings.TIME_ZONE = "Europe/Lisbon"
    tracks = [TrackFactory(artist=ArtistProfileFactory()) for _ in range(3)]
    fans = [UserFactory() for _ in range(6)]
    for n, fan in enumerate(fans):
        services.record_supporter_payment(
            fan,
            invoice_id=f"in_concurrent_{n}",
            amount=500,
            currency="eur",
            paid_at=datetime(2025, 7, 1, 9, tzinfo=LISBON),
        )
        for track in tracks[: n % 3 + 1]:
            Play.objects.create(
                track=track,
                user=fan,
                listener=f"u:{fan.pk}",
                created_at=datetime(2025, 7, 9, 20, tzinfo=LISBON),
            )
    return fans


def test_two_runs_of_one_month_at_once_split_each_supporter_once(supporters):
    runs = at_once([lambda: services.split_supporter_money(JULY) for _ in range(2)])

    assert sum(run.supporters for run in runs) == len(supporters)
    assert sum(run.skipped for run in runs) == len(supporters)
    for fan in supporters:
        assert SupporterAllocation.objects.filter(supporter=fan, period=JULY).count() == 1
        assert LedgerEntry.objects.balance(supporter_account(fan.pk)) == 0
    shares = SupporterShare.objects.filter(period=JULY)
    assert shares.count() == sum(n % 3 + 1 for n in range(len(supporters)))
    assert LedgerEntry.objects.filter(kind=EntryKind.SUPPORTER_SHARE).count() == shares.count()
