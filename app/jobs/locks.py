"""One sync per mailbox at a time; a request that arrives meanwhile marks it dirty so the
running sync goes round once more instead of being lost or run twice in parallel."""

from __future__ import annotations

import secrets
import threading
import time
from typing import Any, Protocol


class MailboxLocks(Protocol):
    """Per-mailbox mutual exclusion with a 'changed meanwhile' flag."""

    def acquire(self, key: str, ttl: int) -> bool: ...

    def release(self, key: str) -> None: ...

    def extend(self, key: str, ttl: int) -> bool: ...

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

    def extend(self, key: str, ttl: int) -> bool:
        """Keeps holding ``key`` for ``ttl`` more seconds; False if it was lost meanwhile."""
        with self._lock:
            if key not in self._held:
                return False
            self._held[key] = time.monotonic() + ttl
            return True

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


# Extend or release only a lock this holder still owns (another may have taken it after a
# stall longer than the ttl): compare the token and act in one step.
_EXTEND = ("if redis.call('get', KEYS[1]) == ARGV[1] then "
           "return redis.call('expire', KEYS[1], ARGV[2]) else return 0 end")
_RELEASE = ("if redis.call('get', KEYS[1]) == ARGV[1] then "
            "return redis.call('del', KEYS[1]) else return 0 end")


class RedisLocks:
    """Locks shared by every worker through Redis (SET NX EX, a token per holder)."""

    def __init__(self, client: Any, prefix: str = "storyline:sync:") -> None:
        self.client, self.prefix = client, prefix
        self._tokens: dict[str, str] = {}

    def acquire(self, key: str, ttl: int) -> bool:
        """True when the caller now holds ``key``."""
        token = secrets.token_hex(8)
        if self.client.set(f"{self.prefix}lock:{key}", token, nx=True, ex=ttl):
            self._tokens[key] = token
            return True
        return False

    def release(self, key: str) -> None:
        """Lets go of ``key`` (if this holder still has it)."""
        token = self._tokens.pop(key, None)
        if token is not None:
            self.client.eval(_RELEASE, 1, f"{self.prefix}lock:{key}", token)

    def extend(self, key: str, ttl: int) -> bool:
        """Keeps holding ``key`` for ``ttl`` more seconds; False if it was lost meanwhile."""
        token = self._tokens.get(key)
        return bool(token and self.client.eval(_EXTEND, 1, f"{self.prefix}lock:{key}",
                                               token, ttl))

    def mark_dirty(self, key: str) -> None:
        """Notes that ``key`` needs another round (kept a day at most)."""
        self.client.set(f"{self.prefix}dirty:{key}", "1", ex=86400)

    def take_dirty(self, key: str) -> bool:
        """True (once) if ``key`` was marked dirty."""
        return bool(self.client.delete(f"{self.prefix}dirty:{key}"))
