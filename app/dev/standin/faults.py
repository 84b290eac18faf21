"""Fault injection and Graph's limits: throttling, outages, slow pages, dropped connections,
and at most N concurrent requests per mailbox; plus the record of calls for the tests."""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Fault:
    """The next ``count`` matching requests misbehave (``mailbox`` empty: any mailbox;
    ``folder`` empty: any folder, else only that mail folder's delta, e.g. ``sentitems``, or
    ``attachments`` for the attachment lists)."""

    count: int = 0
    retry_after: str = "1"
    seconds: float = 0.0
    mailbox: str = ""
    folder: str = ""

    def take(self, mailbox: str, folder: str = "") -> bool:
        """Consumes one occurrence if this fault applies to ``mailbox`` (and ``folder``)."""
        if self.count <= 0 or (self.mailbox and self.mailbox.lower() != mailbox.lower()):
            return False
        if self.folder and self.folder.lower() != folder.lower():
            return False
        self.count -= 1
        return True


@dataclass
class Faults:
    """What the stand-in is told to do wrong, and what it has seen."""

    throttle: Fault = field(default_factory=Fault)
    unavailable: Fault = field(default_factory=Fault)
    slow: Fault = field(default_factory=Fault)
    drop: Fault = field(default_factory=Fault)
    concurrency: int = 4
    lock: threading.Lock = field(default_factory=threading.Lock)
    in_flight: Counter = field(default_factory=Counter)
    max_in_flight: Counter = field(default_factory=Counter)
    counters: Counter = field(default_factory=Counter)
    calls: deque = field(default_factory=lambda: deque(maxlen=20_000))

    def configure(self, spec: dict[str, Any]) -> None:
        """Sets faults from JSON: ``{"throttle": {"count": 3, "retry_after": "2"}, ...}``."""
        with self.lock:
            for name in ("throttle", "unavailable", "slow", "drop"):
                if name in spec:
                    raw = spec[name] or {}
                    setattr(self, name, Fault(
                        count=int(raw.get("count", 1 if name != "slow" else 1_000_000)),
                        retry_after=str(raw.get("retry_after", "1")),
                        seconds=float(raw.get("seconds", 0.0)),
                        mailbox=str(raw.get("mailbox", "")),
                        folder=str(raw.get("folder", ""))))
            if "concurrency" in spec:
                self.concurrency = int(spec["concurrency"])

    def clear(self) -> None:
        """Removes every fault (the concurrency limit goes back to Graph's 4)."""
        with self.lock:
            self.throttle, self.unavailable = Fault(), Fault()
            self.slow, self.drop = Fault(), Fault()
            self.concurrency = 4

    def enter(self, mailbox: str, folder: str = "") -> str | None:
        """Admits a request for ``mailbox`` (about ``folder``, when it is a folder's delta);
        gives the fault to answer with, if any."""
        with self.lock:
            self.counters["requests"] += 1
            if self.concurrency and self.in_flight[mailbox] >= self.concurrency:
                self.counters["concurrency_rejected"] += 1
                return "concurrency"
            self.in_flight[mailbox] += 1
            self.max_in_flight[mailbox] = max(self.max_in_flight[mailbox],
                                              self.in_flight[mailbox])
            for name in ("throttle", "unavailable"):
                if getattr(self, name).take(mailbox, folder):
                    self.counters[name] += 1
                    return name
            return None

    def delay(self, mailbox: str) -> None:
        """Sleeps if slow pages are asked for (outside the lock)."""
        with self.lock:
            seconds = self.slow.seconds if self.slow.take(mailbox) else 0.0
        if seconds:
            time.sleep(seconds)

    def should_drop(self, mailbox: str) -> bool:
        """True when this response must break off mid-body."""
        with self.lock:
            if self.drop.take(mailbox):
                self.counters["dropped"] += 1
                return True
            return False

    def leave(self, mailbox: str) -> None:
        """Marks a request for ``mailbox`` finished."""
        with self.lock:
            self.in_flight[mailbox] -= 1

    def record(self, entry: dict[str, Any]) -> None:
        """Keeps one call in the bounded call log."""
        with self.lock:
            self.calls.append(entry)
            self.counters[f"status_{entry['status']}"] += 1

    def snapshot(self) -> dict[str, Any]:
        """Counters and per-mailbox peak concurrency, for the control endpoint."""
        with self.lock:
            return {"counters": dict(self.counters), "max_in_flight": dict(self.max_in_flight),
                    "in_flight": {k: v for k, v in self.in_flight.items() if v},
                    "concurrency_limit": self.concurrency}
