"""JSON Lines in and out for the command-line contract (``python -m app.extract``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from .types import Address, EmailIn


class BadEmail(ValueError):
    """An input line that cannot be analysed; the message says what is wrong."""


def _address(raw: Any) -> Address | None:
    if isinstance(raw, dict):
        return Address(name=str(raw.get("name") or ""), address=str(raw.get("address") or ""))
    if isinstance(raw, str):
        return Address(address=raw)
    return None


def _addresses(raw: Any) -> tuple[Address, ...]:
    if not isinstance(raw, list):
        return ()
    return tuple(a for a in (_address(r) for r in raw) if a is not None)


def parse_sent_at(raw: Any) -> datetime | None:
    """Returns an aware datetime from ISO-8601 text; a missing offset is taken as UTC."""
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError as exc:
        raise BadEmail(f"sent_at is not ISO-8601: {str(raw)[:40]!r}") from exc
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def email_from_json(obj: Any) -> EmailIn:
    """Returns the EmailIn of one decoded JSON line, or raises BadEmail saying what is wrong."""
    if not isinstance(obj, dict):
        raise BadEmail("line is not a JSON object")
    if obj.get("id") is None or str(obj.get("id")) == "":
        raise BadEmail("missing 'id'")
    if "body" not in obj or not isinstance(obj["body"], str):
        raise BadEmail("missing 'body' (a string)")
    body_type = str(obj.get("body_type") or "text").lower()
    return EmailIn(
        id=str(obj["id"]),
        body=obj["body"],
        subject=str(obj.get("subject") or ""),
        body_type="html" if body_type == "html" else "text",
        from_=_address(obj.get("from")),
        to=_addresses(obj.get("to")),
        cc=_addresses(obj.get("cc")),
        sent_at=parse_sent_at(obj.get("sent_at")),
        time_zone=str(obj["time_zone"]) if obj.get("time_zone") else None,
    )
