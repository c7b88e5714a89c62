"""Moments: stored in UTC, shown in Dutch local time.

SQLite hands datetimes back without a zone (they were stored in UTC), PostgreSQL with one;
``as_utc`` makes them the same. ``in_dutch_time`` is what a clock in a Dutch gemeentehuis
shows, whatever zone the server runs in (tzdata is pinned for servers without zone files)."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

DUTCH_TIME = ZoneInfo("Europe/Amsterdam")


def as_utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def in_dutch_time(moment: datetime) -> datetime:
    return as_utc(moment).astimezone(DUTCH_TIME)
