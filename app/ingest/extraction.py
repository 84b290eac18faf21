"""Glue between sync and app/extract: Graph messages in, extraction results out, in batches."""

from __future__ import annotations

from typing import Any

from app.extract.types import Address, EmailIn
from app.graph.types import EmailAddress, MailMessage


def _addr(a: EmailAddress | None) -> Address | None:
    return Address(name=a.name, address=a.address) if a else None


def email_in(msg: MailMessage) -> EmailIn:
    """The extraction input for one message."""
    return EmailIn(
        id=msg.id,
        body=msg.body,
        subject=msg.subject,
        body_type="html" if msg.body_type == "html" else "text",
        from_=_addr(msg.from_ or msg.sender),
        to=tuple(Address(name=a.name, address=a.address) for a in msg.to),
        cc=tuple(Address(name=a.name, address=a.address) for a in msg.cc),
        sent_at=msg.sent_at or msg.received_at,
    )


def batch_extractor(extractor: Any) -> Any:
    """A page-level extraction function over a process-wide ``app.extract`` Extractor."""

    def extract(messages: list[MailMessage]) -> list[Any]:
        return list(extractor.extract_many([email_in(m) for m in messages]))

    return extract
