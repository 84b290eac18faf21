"""Small text helpers for cards: graceful truncation, markdown escaping, human dates."""

from __future__ import annotations

import re
from datetime import date, datetime

ELLIPSIS = "\u2026"
_MD_SPECIAL = re.compile(r"([\\`*_\[\]])")
_SPACE = re.compile(r"\s+")


def clip(text: str | None, limit: int) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters with an
    ellipsis, so a pasted email or a 400-character subject cannot blow up a card."""
    flat = _SPACE.sub(" ", text or "").strip()
    if len(flat) <= limit:
        return flat
    cut = flat[: max(1, limit - 1)]
    space = cut.rfind(" ")
    if space >= limit * 0.6:  # keep whole words unless that loses too much
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + ELLIPSIS


def md(text: str) -> str:
    """Escapes the markdown Adaptive Cards understand, so customer text shows as written."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def when(at: datetime) -> str:
    """``Tue 24 Nov, 10:00`` (the datetime is already in the reader's zone)."""
    return f"{at:%a} {at.day} {at:%b}, {at:%H:%M}"


def day(d: date) -> str:
    """``Tue 24 Nov 2026``."""
    return f"{d:%a} {d.day} {d:%b %Y}"


def short_day(d: date) -> str:
    """``24 Nov``."""
    return f"{d.day} {d:%b}"


def ago(then: datetime | date, now: datetime | date) -> str:
    """``today``, ``yesterday``, ``3 days ago`` or ``in 2 days``."""
    a = then.date() if isinstance(then, datetime) else then
    b = now.date() if isinstance(now, datetime) else now
    days = (b - a).days
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days == -1:
        return "tomorrow"
    return f"{days} days ago" if days > 0 else f"in {-days} days"


def money(amount: str | None, currency: str | None) -> str | None:
    """``EUR 48,000`` from the story's amount string; None without an amount."""
    if not amount:
        return None
    try:
        value = float(amount)
    except ValueError:
        return clip(amount, 40)
    shown = f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"
    return f"{currency} {shown}" if currency else shown
