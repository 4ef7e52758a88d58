"""Calendar months in the site's time zone: the periods supporter money is counted in."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from django.utils import timezone

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def month_of(moment: datetime) -> date:
    local = timezone.localtime(moment)
    return date(local.year, local.month, 1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def previous_month(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The first instant of the month and of the next one, as aware datetimes."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(month.replace(day=1), time.min, tzinfo=zone)
    end = datetime.combine(next_month(month), time.min, tzinfo=zone)
    return start, end


def parse_month(value: str) -> date:
    """``2026-11`` → 1 November 2026; raises ValueError with a readable message."""
    match = MONTH_RE.match(value.strip())
    if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 2000:
        raise ValueError("Give a month as YYYY-MM, for example 2026-11.")
    return date(int(match[1]), int(match[2]), 1)
