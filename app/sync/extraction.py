"""Glue between sync and app/extract: Graph messages in, extraction results out, in batches,
in this process (``batch_extractor``) or in a worker process (``ExtractionPool``)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.extract.types import Address, EmailIn
from app.graph.types import DeltaPage, EmailAddress, MailMessage
from app.records.identity import is_automated
from app.records.models import Interaction

from .mapping import safe_key

Extract = Callable[[list[Any]], list[Any]]  # messages -> results; may also have .submit
log = logging.getLogger(__name__)
MAX_EXTRACT_CHARS = 200_000


def _addr(a: EmailAddress | None) -> Address | None:
    return Address(name=a.name, address=a.address) if a else None


def email_in(msg: MailMessage) -> EmailIn:
    """The extraction input for one message: its first :data:`MAX_EXTRACT_CHARS` characters,
    as ``POST /api/v1/items/log`` takes (a 10 MB body costs seconds of analysis past them)."""
    return EmailIn(
        id=msg.id,
        body=msg.body[:MAX_EXTRACT_CHARS],
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


def start_page_extraction(session: Session, tenant_id: uuid.UUID, extract: Extract | None,
                      folder: str, page: DeltaPage[Any]) -> Any:
    """Starts (or runs) extraction for the page's messages that can still become new
    interactions: not already recorded (seen in another mailbox), not bulk or automated.
    Gives (indexes into the page, results or a future of them), or None."""
    if extract is None or folder == "calendar" or not page.items:
        return None
    keys = {safe_key(m.internet_message_id) for m in page.items if m.internet_message_id}
    known = set(session.scalars(sa.select(Interaction.external_key).where(
        Interaction.tenant_id == tenant_id, Interaction.kind == "email",
        Interaction.external_key.in_(keys)))) if keys else set()
    chosen = [
        i for i, m in enumerate(page.items)
        if m.internet_message_id and safe_key(m.internet_message_id) not in known
        and not m.is_draft and not _automated(m)
    ]
    if not chosen:
        return None
    messages = [page.items[i] for i in chosen]
    submit = getattr(extract, "submit", None)
    try:
        results = submit(messages) if submit else extract(messages)
    except Exception as err:  # noqa: BLE001 - one message must not cost the page its findings
        log.warning("extraction of a page failed (%s); message by message", type(err).__name__)
        results = _one_by_one(extract, messages)
    return chosen, results, messages, extract


def _one_by_one(extract: Extract, messages: list[Any]) -> list[Any]:
    """Findings message by message, None for one that fails (it is stored without them)."""
    out: list[Any] = []
    for message in messages:
        try:
            out.append(extract([message])[0])
        except Exception as err:  # noqa: BLE001 - recorded without findings, never dropped
            log.warning("extraction failed for message %s (%s)", message.id,
                        type(err).__name__)
            out.append(None)
    return out


def _automated(msg: Any) -> bool:
    sender = msg.from_ or msg.sender
    return sender is None or is_automated(sender.address.lower(), dict(msg.headers))


def page_findings(found: Any, size: int) -> list[Any]:
    """One extraction result (or None) per item of a page, from what
    :func:`start_page_extraction` gave; waits for a worker's result if needed."""
    findings: list[Any] = [None] * size
    if found is not None:
        indexes, results, messages, extract = found
        if isinstance(results, Future):
            try:
                results = results.result()
            except Exception as err:  # noqa: BLE001 - see _one_by_one
                log.warning("extraction of a page failed (%s); message by message",
                            type(err).__name__)
                results = _one_by_one(extract, messages)
        for i, result in zip(indexes, results, strict=True):
            findings[i] = result
    return findings


_WORKER_EXTRACTOR: Any = None


def _init_worker(model_name: str | None) -> None:
    global _WORKER_EXTRACTOR
    import warnings

    from app.extract.pipeline import Extractor

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        _WORKER_EXTRACTOR = Extractor.from_settings(model_name)


def _extract_in_worker(emails: list[EmailIn]) -> list[Any]:
    return list(_WORKER_EXTRACTOR.extract_many(emails))


class ExtractionPool:
    """Extraction in a separate process, so spaCy runs on another core while this process
    writes the previous page to the record. Build once, ``close()`` when done."""

    def __init__(self, model_name: str | None, *, workers: int = 1) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # spawn, not fork: the parent has threads (the Graph pager) when pages arrive
        self._pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker, initargs=(model_name,))
        self._pool.submit(_extract_in_worker, []).result()  # load the model now, once

    def submit(self, messages: list[MailMessage]) -> Future[list[Any]]:
        """Starts extracting a page of messages; the future gives one result per message."""
        return self._pool.submit(_extract_in_worker, [email_in(m) for m in messages])

    def __call__(self, messages: list[MailMessage]) -> list[Any]:
        return self.submit(messages).result()

    def close(self) -> None:
        """Stops the worker process."""
        self._pool.shutdown(wait=True, cancel_futures=True)
