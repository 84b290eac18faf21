"""Glue between sync and app/extract: Graph messages in, extraction results out, in batches,
in this process (``batch_extractor``) or in a worker process (``ExtractionPool``)."""

from __future__ import annotations

import logging
import uuid
from concurrent.futures import Future
from typing import TYPE_CHECKING, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.extract.types import EmailIn, ExtractionResult
from app.graph.types import DeltaPage, MailMessage, Meeting
from app.records.identity import is_automated
from app.records.models import Interaction

from .mapping import safe_key

if TYPE_CHECKING:  # the pipeline loads spaCy; only its type is needed here
    from app.extract.pipeline import Extractor


class Extract(Protocol):
    """Extraction for a page of messages: one result per message, in order."""

    def __call__(self, messages: list[MailMessage], /) -> list[ExtractionResult]: ...


log = logging.getLogger(__name__)
MAX_EXTRACT_CHARS = 200_000
Results = list[ExtractionResult | None] | Future[list[ExtractionResult]]
# What start_page_extraction gives: the indexes into the page that were sent to extraction,
# their results (or, from a worker process, a future of them), and the messages and the
# extraction, to go message by message when a whole page fails.
Started = tuple[list[int], Results, list[MailMessage], Extract]


def email_in(msg: MailMessage) -> EmailIn:
    """The extraction input for one message: its first :data:`MAX_EXTRACT_CHARS` characters,
    as ``POST /api/v1/items/log`` takes (a 10 MB body costs seconds of analysis past them)."""
    return EmailIn(
        id=msg.id,
        body=msg.body[:MAX_EXTRACT_CHARS],
        subject=msg.subject,
        body_type="html" if msg.body_type == "html" else "text",
        from_=msg.from_ or msg.sender,
        to=msg.to,
        cc=msg.cc,
        sent_at=msg.sent_at or msg.received_at,
    )


def batch_extractor(extractor: Extractor) -> Extract:
    """A page-level extraction function over a process-wide ``app.extract`` Extractor."""

    def extract(messages: list[MailMessage], /) -> list[ExtractionResult]:
        return list(extractor.extract_many([email_in(m) for m in messages]))

    return extract


def start_page_extraction(session: Session, tenant_id: uuid.UUID, extract: Extract | None,
                      folder: str,
                      page: DeltaPage[MailMessage] | DeltaPage[Meeting]) -> Started | None:
    """Starts (or runs) extraction for the page's messages that can still become new
    interactions: not already recorded (seen in another mailbox), not bulk or automated.
    Gives (indexes into the page, results or a future of them), or None."""
    if extract is None or folder == "calendar" or not page.items:
        return None
    mail = [m for m in page.items if isinstance(m, MailMessage)]
    keys = {safe_key(m.internet_message_id) for m in mail if m.internet_message_id}
    known = set(session.scalars(sa.select(Interaction.external_key).where(
        Interaction.tenant_id == tenant_id, Interaction.kind == "email",
        Interaction.external_key.in_(keys)))) if keys else set()
    chosen = [
        (i, m) for i, m in enumerate(page.items)
        if isinstance(m, MailMessage) and m.internet_message_id
        and safe_key(m.internet_message_id) not in known and not m.is_draft
        and not _automated(m)
    ]
    if not chosen:
        return None
    indexes, messages = [i for i, _ in chosen], [m for _, m in chosen]
    results: Results
    try:
        results = extract.submit(messages) if isinstance(extract, ExtractionPool) \
            else list(extract(messages))
    except Exception as err:  # noqa: BLE001 - one message must not cost the page its findings
        log.warning("extraction of a page failed (%s); message by message", type(err).__name__)
        results = _one_by_one(extract, messages)
    return indexes, results, messages, extract


def _one_by_one(extract: Extract, messages: list[MailMessage]) -> list[ExtractionResult | None]:
    """Findings message by message, None for one that fails (it is stored without them)."""
    out: list[ExtractionResult | None] = []
    for message in messages:
        try:
            out.append(extract([message])[0])
        except Exception as err:  # noqa: BLE001 - recorded without findings, never dropped
            log.warning("extraction failed for message %s (%s)", message.id,
                        type(err).__name__)
            out.append(None)
    return out


def _automated(msg: MailMessage) -> bool:
    sender = msg.from_ or msg.sender
    return sender is None or is_automated(sender.address.lower(), dict(msg.headers))


def page_findings(found: Started | None, size: int) -> list[ExtractionResult | None]:
    """One extraction result (or None) per item of a page, from what
    :func:`start_page_extraction` gave; waits for a worker's result if needed."""
    findings: list[ExtractionResult | None] = [None] * size
    if found is not None:
        indexes, started, messages, extract = found
        results: list[ExtractionResult | None]
        if isinstance(started, Future):
            try:
                results = list(started.result())
            except Exception as err:  # noqa: BLE001 - see _one_by_one
                log.warning("extraction of a page failed (%s); message by message",
                            type(err).__name__)
                results = _one_by_one(extract, messages)
        else:
            results = started
        for i, result in zip(indexes, results, strict=True):
            findings[i] = result
    return findings


_WORKER_EXTRACTOR: Extractor | None = None


def _init_worker(model_name: str | None) -> None:
    global _WORKER_EXTRACTOR
    import warnings

    from app.extract.pipeline import Extractor

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        _WORKER_EXTRACTOR = Extractor.from_settings(model_name)


def _extract_in_worker(emails: list[EmailIn]) -> list[ExtractionResult]:
    if _WORKER_EXTRACTOR is None:  # the pool's initializer always runs first
        raise RuntimeError("the extraction worker was not initialised")
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

    def submit(self, messages: list[MailMessage]) -> Future[list[ExtractionResult]]:
        """Starts extracting a page of messages; the future gives one result per message."""
        return self._pool.submit(_extract_in_worker, [email_in(m) for m in messages])

    def __call__(self, messages: list[MailMessage], /) -> list[ExtractionResult]:
        return self.submit(messages).result()

    def close(self) -> None:
        """Stops the worker process."""
        self._pool.shutdown(wait=True, cancel_futures=True)
