"""Compose mode: ``POST /api/v1/drafts/analyze`` finds the promises and requests in the draft
being written, so the pane can say "You are promising the revised quote by Friday: track
it?"; ``POST /api/v1/drafts/choices`` keeps the seller's answer.

The draft itself is never stored: it is analysed in memory and forgotten. What is stored is
the seller's choice per promise ("track" or "ignore"), by the sha256 of the normalised
sentence only (see :func:`app.records.models.deals.normalise_promise`), so that sync,
which finds the same promises again in the sent mail, records a promise the seller said was
none as dismissed instead of open.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from flask import Blueprint
from pydantic import BaseModel, ConfigDict, Field

from app import extensions as ctx
from app.api.answers import DraftAnalysisOut, DraftChoiceOut
from app.api.spec import Documented, spec
from app.extensions import extractor
from app.records import actions

bp = Blueprint("drafts", __name__)
MAX_DRAFT_CHARS = 100_000
MAX_PROMISE_CHARS = 2_000


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
@spec.validate(json=DraftIn, resp=Documented(HTTP_200=DraftAnalysisOut), tags=["drafts"])
def analyze_draft(json: DraftIn) -> Any:
    """The promises you are about to make in this draft, with due dates and evidence."""
    return analyze(json)


class DraftChoiceIn(BaseModel):
    """The seller's answer to one promise in the draft: ``text`` as /drafts/analyze returned
    it in the promise's ``text`` field."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(..., min_length=1, max_length=MAX_PROMISE_CHARS)
    choice: Literal["track", "ignore"]


@bp.post("/drafts/choices")
@spec.validate(json=DraftChoiceIn, resp=Documented(HTTP_200=DraftChoiceOut,
               HTTP_201=DraftChoiceOut), tags=["drafts"])
def choose_in_draft(json: DraftChoiceIn) -> Any:
    """Keeps "Track it" or "Not a promise" for a promise in the draft (a later choice for the
    same sentence replaces the earlier one); when the mail is sent, sync records an ignored
    promise as dismissed (reopen it with PATCH /api/v1/commitments/ID). 201 when new, 200
    when it replaced a choice."""
    row, created = actions.choose_in_draft(ctx.db_session(), tenant_id=ctx.tenant_id(),
                                           user_id=ctx.user_id(), text=json.text,
                                           choice=json.choice)
    body = {"id": str(row.id), "text_hash": row.text_hash, "choice": row.choice,
            "created_at": row.created_at.isoformat()}
    return body, 201 if created else 200
