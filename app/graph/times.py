"""Graph's ``dateTimeTimeZone`` as an aware UTC datetime: one parser for the SDK models
(``convert``) and the fast JSON reader (``fastjson``), which must agree."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def date_time_zone(date_time: str | None, time_zone: str | None) -> datetime | None:
    """``{"dateTime", "timeZone"}`` as an aware UTC datetime, or None when unreadable (we ask
    Graph for UTC; IANA names work)."""
    if not date_time:
        return None
    raw = date_time.rstrip("Z")
    if "." in raw:  # Graph sends 7 fractional digits; Python takes at most 6
        head, frac = raw.split(".", 1)
        raw = f"{head}.{frac[:6]}"
    try:
        naive = datetime.fromisoformat(raw)
    except ValueError:
        return None
    zone_name = (time_zone or "UTC").strip()
    try:
        zone = UTC if zone_name in ("UTC", "") else ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        zone = UTC  # Windows zone names only appear when outlook.timezone was not honoured
    return naive.replace(tzinfo=zone).astimezone(UTC)
