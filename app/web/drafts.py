"""``POST /api/v1/drafts/analyze``: the promises and requests in the draft being written, so
compose mode can say "You are promising the revised quote by Friday: track it?".

Nothing is stored: the draft is analysed in memory and forgotten. Sent mail is recorded by
sync, which finds the same promises again.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from flask import Blueprint
from pydantic import BaseModel, ConfigDict, Field

from app.api.auth import authenticate
from app.api.spec import spec

from .extraction import extractor

bp = Blueprint("drafts", __name__, url_prefix="/api/v1")
bp.before_request(authenticate)
MAX_DRAFT_CHARS = 100_000


class DraftIn(BaseModel):
    """The draft as Office.js gives it: subject, body (text or HTML) and the recipients."""

    model_config = ConfigDict(extra="forbid")
    subject: str = Field("", max_length=1000)
    body: str = Field(..., max_length=MAX_DRAFT_CHARS)
    body_type: Literal["text", "html"] = "text"
    to: list[str] = Field(default_factory=list, max_length=100)
    time_zone: str | None = Field(None, max_length=64)
    sent_at: datetime | None = None  # defaults to now: due dates resolve against it


def analyze(draft: DraftIn) -> dict[str, Any]:
    """The draft's promises (ours), requests (of them) and signals, offsets into ``text``."""
    from app.extract import Address, EmailIn

    when = draft.sent_at or datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    email = EmailIn(id="draft", body=draft.body, subject=draft.subject,
                    body_type=draft.body_type, to=tuple(Address(address=a) for a in draft.to),
                    sent_at=when, time_zone=draft.time_zone)
    with extractor().use() as ex:
        result = ex.extract(email)
    found = result.to_dict()
    commitments = found["commitments"]
    return {
        "text": found["reply_text"],
        "promises": [c for c in commitments if c["kind"] == "promise"],
        "requests": [c for c in commitments if c["kind"] == "request"],
        "signals": found["signals"],
        "truncated": found["truncated"],
    }


@bp.post("/drafts/analyze")
@spec.validate(json=DraftIn, tags=["drafts"])
def analyze_draft(json: DraftIn) -> Any:
    """The promises you are about to make in this draft, with due dates and evidence."""
    return analyze(json)
