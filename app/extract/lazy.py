"""An extractor for compose-mode analysis and logged items: built on first use, once, under a lock
(a web worker that never sees a draft never loads spaCy), and used by one request at a time
(the pipeline's entity ruler is per-call state)."""

from __future__ import annotations

import logging
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

log = logging.getLogger(__name__)


class LazyExtractor:
    """Holds the Extractor for a model name and serialises its use."""

    def __init__(self, model_name: str | None) -> None:
        self.model_name = model_name
        self._extractor: Any = None
        self._build_lock = threading.Lock()
        self._use_lock = threading.Lock()

    def _get(self) -> Any:
        with self._build_lock:
            if self._extractor is None:
                from .pipeline import Extractor, ModelMissingWarning

                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always", ModelMissingWarning)
                    self._extractor = Extractor.from_settings(self.model_name)
                for w in caught:
                    log.warning("draft analysis: %s", w.message)
            return self._extractor

    @contextmanager
    def use(self) -> Iterator[Any]:
        """The Extractor, held by this caller alone until the block ends."""
        extractor = self._get()
        with self._use_lock:
            yield extractor
