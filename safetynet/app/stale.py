"""Whether the served data is old enough for every page to warn about it (ui.header's banner).

Kept apart from the data page's module, which reads the import's files: every page imports this,
so it must stay light.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from zoneinfo import ZoneInfo

from safetynet.warehouse.manifest import DEMO_SOURCE
from safetynet.weeks import TIME_ZONE

STALE_DAYS = 14  # the default of SAFETYNET_STALE_DAYS


def is_demo(source: str) -> bool:
    """Whether a warehouse was built from the demo city, whose as-of date is fixed on purpose."""
    return source == DEMO_SOURCE


def stale_limit() -> int:
    """Days the served data may lag behind today before pages warn: SAFETYNET_STALE_DAYS, else 14."""
    configured = os.environ.get("SAFETYNET_STALE_DAYS", "").strip()
    return int(configured) if configured.isdigit() else STALE_DAYS


def today() -> date:
    return datetime.now(ZoneInfo(TIME_ZONE)).date()


def days_stale(as_of: date, source: str, on: date | None = None) -> int | None:
    """How many days before today (`on`) the as-of date lies, when that is more than the limit;
    None when the data is fresh enough, and always for the demo city (else every page's test
    would change with the calendar)."""
    if is_demo(source):
        return None
    age = ((on or today()) - as_of).days
    return age if age > stale_limit() else None
