"""What a job needs, built once per process and passed to every job function."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.db import Database, hash_key
from app.graph.service import Graph
from app.settings import Settings

from .locks import MailboxLocks, MemoryLocks

if TYPE_CHECKING:
    from app.sync.extraction import Extract

log = logging.getLogger(__name__)


@dataclass
class JobContext:
    """Settings, database, Graph access, the extraction function and mailbox locks."""

    settings: Settings
    db: Database
    graph: Graph
    locks: MailboxLocks = field(default_factory=MemoryLocks)
    extract: Extract | None = None
    enqueue: Callable[..., None] | None = None  # set by the runner: jobs may queue jobs
    # Where Graph delivers notifications (https in production; from settings.public_base_url)
    notification_url: str = ""


def build_context(settings: Settings, *, db: Database | None = None, graph: Graph | None = None,
                  locks: MailboxLocks | None = None, with_extraction: bool = True,
                  extraction_process: bool = False) -> JobContext:
    """A context from settings: msal-backed Graph, the spaCy extractor if wanted, warmed up.

    ``extraction_process`` runs spaCy in a worker process beside the record writes (the CLI's
    backfills); Celery's prefork workers cannot have children, so they extract in-process.
    """
    from app.graph.warmup import warm_up

    warm_up()
    extract: Extract | None = None
    if with_extraction and extraction_process:
        from app.sync.extraction import ExtractionPool

        extract = ExtractionPool(settings.spacy_model)
    elif with_extraction:
        from app.extract.pipeline import Extractor
        from app.sync.extraction import batch_extractor

        extract = batch_extractor(Extractor.from_settings(settings.spacy_model))
    base = str(getattr(settings, "public_base_url", "") or "").rstrip("/")
    return JobContext(
        notification_url=f"{base}/api/v1/graph/notifications" if base else "",
        settings=settings,
        db=db or Database(settings.sqlalchemy_url, hash_key=hash_key(settings),
                          visibility=settings.visibility,
                          stale_promise_days=settings.stale_promise_days),
        graph=graph or Graph.build(settings),
        locks=locks or MemoryLocks(),
        extract=extract,
    )


class LazyContext:
    """Builds the context on first use (a web worker pays for Graph and spaCy only when a
    notification arrives), once, under a lock."""

    def __init__(self, factory: Callable[[], JobContext]) -> None:
        self._factory = factory
        self._ctx: JobContext | None = None
        self._lock = threading.Lock()

    def get(self) -> JobContext:
        """The process's job context."""
        with self._lock:
            if self._ctx is None:
                self._ctx = self._factory()
            return self._ctx
