"""A small in-memory Graph for unit tests, served through httpx.MockTransport so the real
msgraph-sdk path parses every response. It keeps a change log per folder so delta tokens,
``@removed`` entries, throttling and expired tokens behave as Graph documents them."""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import httpx

BASE = "https://graph.test/v1.0"


def message(n: int, *, sender: str, to: str, when: datetime, mid: str | None = None,
            subject: str = "", body: str = "Hello") -> dict[str, Any]:
    """A Graph message body as the delta endpoint returns it."""
    return {
        "@odata.type": "#microsoft.graph.message",
        "id": f"AAMk-{n}-{sender}",
        "internetMessageId": mid or f"<m{n}@{sender.split('@')[1]}>",
        "conversationId": f"conv-{n % 7}",
        "subject": subject or f"Message {n}",
        "body": {"contentType": "text", "content": body},
        "from": {"emailAddress": {"name": sender.split("@")[0].title(), "address": sender}},
        "sender": {"emailAddress": {"name": sender.split("@")[0].title(), "address": sender}},
        "toRecipients": [{"emailAddress": {"name": "", "address": to}}],
        "ccRecipients": [],
        "receivedDateTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sentDateTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "isDraft": False,
    }


@dataclass
class FakeGraph:
    """Mailboxes by (mailbox, folder) -> change log of (seq, id, body or None if removed)."""

    page_size: int = 10
    log: dict[tuple[str, str], list[tuple[int, str, dict[str, Any] | None]]] = field(
        default_factory=lambda: defaultdict(list))
    seq: int = 0
    throttle: int = 0  # the next N requests answer 429
    retry_after: str = "0.01"
    expired: bool = False  # delta/skip tokens answer 410 syncStateNotFound
    requests: int = 0
    in_flight: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    max_in_flight: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    latency: float = 0.0

    def add(self, mailbox: str, folder: str, body: dict[str, Any]) -> None:
        """A message arrives in a folder."""
        self.seq += 1
        self.log[(mailbox, folder)].append((self.seq, body["id"], body))

    def remove(self, mailbox: str, folder: str, item_id: str) -> None:
        """A message is deleted upstream."""
        self.seq += 1
        self.log[(mailbox, folder)].append((self.seq, item_id, None))

    def transport(self) -> httpx.AsyncBaseTransport:
        """A fresh transport over this fake (one per unit of work, like a real client)."""
        return httpx.MockTransport(self.handle)

    def _state(self, mailbox: str, folder: str, since: int, upto: int) -> list[dict[str, Any]]:
        latest: dict[str, dict[str, Any] | None] = {}
        for seq, item_id, body in self.log[(mailbox, folder)]:
            if since < seq <= upto:
                latest[item_id] = body
        out: list[dict[str, Any]] = []
        for item_id, body in latest.items():
            if body is None:
                if since:
                    out.append({"id": item_id, "@removed": {"reason": "deleted"}})
            else:
                out.append(body)
        return sorted(out, key=lambda b: b.get("receivedDateTime", ""), reverse=True)

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        parts = urlsplit(str(request.url))
        path = [unquote(p) for p in parts.path.split("/")]
        mailbox = path[path.index("users") + 1]
        folder = path[path.index("mailFolders") + 1] if "mailFolders" in path else "calendar"
        self.in_flight[mailbox] += 1
        self.max_in_flight[mailbox] = max(self.max_in_flight[mailbox], self.in_flight[mailbox])
        try:
            await asyncio.sleep(self.latency)
            return self._answer(request, mailbox, folder, parse_qs(parts.query))
        finally:
            self.in_flight[mailbox] -= 1

    def _answer(self, request: httpx.Request, mailbox: str, folder: str,
                query: dict[str, list[str]]) -> httpx.Response:
        if self.throttle > 0:
            self.throttle -= 1
            return _error(429, "TooManyRequests", "Please retry again later.",
                          {"Retry-After": self.retry_after})
        token = (query.get("$deltatoken") or query.get("$skiptoken") or [""])[0]
        if token and self.expired:
            return _error(410, "syncStateNotFound", "The sync state is gone.")
        since, offset, upto = 0, 0, self.seq
        if "$deltatoken" in query:
            since = int(token)
        elif "$skiptoken" in query:
            since, offset, upto = (int(x) for x in token.split("-"))
        items = self._state(mailbox, folder, since, upto)
        page = items[offset:offset + self.page_size]
        url = (f"{BASE}/users/{mailbox}/calendarView/delta()" if folder == "calendar" else
               f"{BASE}/users/{mailbox}/mailFolders/{folder}/messages/delta()")
        body: dict[str, Any] = {"@odata.context": f"{BASE}/$metadata#Collection(message)",
                                "value": page}
        if offset + self.page_size < len(items):
            body["@odata.nextLink"] = f"{url}?$skiptoken={since}-{offset + self.page_size}-{upto}"
        else:
            body["@odata.deltaLink"] = f"{url}?$deltatoken={upto}"
        return httpx.Response(200, json=body)


def _error(status: int, code: str, message: str,
           headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json={"error": {"code": code, "message": message}},
                          headers=headers)


def at(days_ago: float) -> datetime:
    """A timestamp some days before a fixed 'now'."""
    return datetime(2026, 11, 20, 12, 0, tzinfo=UTC) - timedelta(days=days_ago)


def dump(body: dict[str, Any]) -> bytes:
    """JSON bytes of a body."""
    return json.dumps(body).encode()
