"""One sync per mailbox at a time; a request that arrives meanwhile marks it dirty so the
running sync goes round once more instead of being lost or run twice in parallel."""

from __future__ import annotations

import threading
import time
from typing import Any, Protocol


class MailboxLocks(Protocol):
    """Per-mailbox mutual exclusion with a 'changed meanwhile' flag."""

    def acquire(self, key: str, ttl: int) -> bool: ...

    def release(self, key: str) -> None: ...

    def mark_dirty(self, key: str) -> None: ...

    def take_dirty(self, key: str) -> bool: ...


class MemoryLocks:
    """Locks for one process (the inline runner)."""

    def __init__(self) -> None:
        self._held: dict[str, float] = {}
        self._dirty: set[str] = set()
        self._lock = threading.Lock()

    def acquire(self, key: str, ttl: int) -> bool:
        """True when the caller now holds ``key`` (an expired holder is displaced)."""
        with self._lock:
            now = time.monotonic()
            if self._held.get(key, 0) > now:
                return False
            self._held[key] = now + ttl
            return True

    def release(self, key: str) -> None:
        """Lets go of ``key``."""
        with self._lock:
            self._held.pop(key, None)

    def mark_dirty(self, key: str) -> None:
        """Notes that ``key`` needs another round."""
        with self._lock:
            self._dirty.add(key)

    def take_dirty(self, key: str) -> bool:
        """True (once) if ``key`` was marked dirty."""
        with self._lock:
            if key in self._dirty:
                self._dirty.discard(key)
                return True
            return False


class RedisLocks:
    """Locks shared by every worker through Redis (SET NX EX)."""

    def __init__(self, client: Any, prefix: str = "storyline:sync:") -> None:
        self.client, self.prefix = client, prefix

    def acquire(self, key: str, ttl: int) -> bool:
        """True when the caller now holds ``key``."""
        return bool(self.client.set(f"{self.prefix}lock:{key}", "1", nx=True, ex=ttl))

    def release(self, key: str) -> None:
        """Lets go of ``key``."""
        self.client.delete(f"{self.prefix}lock:{key}")

    def mark_dirty(self, key: str) -> None:
        """Notes that ``key`` needs another round (kept a day at most)."""
        self.client.set(f"{self.prefix}dirty:{key}", "1", ex=86400)

    def take_dirty(self, key: str) -> bool:
        """True (once) if ``key`` was marked dirty."""
        return bool(self.client.delete(f"{self.prefix}dirty:{key}"))
