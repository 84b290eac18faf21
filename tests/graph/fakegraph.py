"""A small in-memory Graph for unit tests, served through httpx.MockTransport so the real
msgraph-sdk path parses every response. Delta rounds are the local Graph stand-in's own
(app/dev/standin: its store and delta pages), so the fake and the stand-in cannot disagree on
tokens, paging or ``@removed``; what the fake adds are knobs for faults (throttling, expired
tokens, latency) and counters of what the client did."""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import httpx

from app.dev.sample.resources import folder_id
from app.dev.standin import delta
from app.dev.standin.errors import GraphError
from app.dev.standin.store import Folder, Mailbox, Store

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
    """Mailboxes in a stand-in store, answered with the stand-in's delta pages."""

    page_size: int = 10
    store: Store = field(default_factory=Store)
    throttle: int = 0  # the next N requests answer 429
    retry_after: str = "0.01"
    expired: bool = False  # delta/skip tokens answer 410 syncStateNotFound
    requests: int = 0
    in_flight: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    max_in_flight: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    latency: float = 0.0

    def add(self, mailbox: str, folder: str, body: dict[str, Any]) -> None:
        """A message (or event) arrives in a folder, or changes if its id is known."""
        self.store.put(self._mailbox(mailbox, folder), folder, dict(body))

    def remove(self, mailbox: str, folder: str, item_id: str) -> None:
        """An item is deleted upstream (the next delta round reports it as ``@removed``)."""
        self.store.delete(self._mailbox(mailbox, folder), item_id)

    def _mailbox(self, mailbox: str, folder: str) -> Mailbox:
        """The mailbox, created on first use with any folder a test names."""
        box = self.store.add_mailbox(mailbox, mailbox, mailbox)
        if folder not in box.folders:
            box.folders[folder] = Folder(folder, folder_id(mailbox, folder))
        return box

    def transport(self) -> httpx.AsyncBaseTransport:
        """A fresh transport over this fake (one per unit of work, like a real client)."""
        return httpx.MockTransport(self.handle)

    async def handle(self, request: httpx.Request) -> httpx.Response:
        """Answers one request, counting it and how many run at once per mailbox."""
        self.requests += 1
        parts = urlsplit(str(request.url))
        path = [unquote(p) for p in parts.path.split("/")]
        mailbox = path[path.index("users") + 1]
        folder = path[path.index("mailFolders") + 1] if "mailFolders" in path else "calendar"
        self.in_flight[mailbox] += 1
        self.max_in_flight[mailbox] = max(self.max_in_flight[mailbox], self.in_flight[mailbox])
        try:
            await asyncio.sleep(self.latency)
            return self._answer(request, mailbox, folder, dict(parse_qsl(parts.query)))
        finally:
            self.in_flight[mailbox] -= 1

    def _answer(self, request: httpx.Request, mailbox: str, folder: str,
                args: dict[str, str]) -> httpx.Response:
        if self.throttle > 0:
            self.throttle -= 1
            return _error(429, "TooManyRequests", "Please retry again later.",
                          {"Retry-After": self.retry_after})
        raw = args.get("$deltatoken") or args.get("$skiptoken")
        if raw and self.expired:
            return _error(410, "syncStateNotFound", "The sync state is gone.")
        if urlsplit(str(request.url)).path.rstrip("/").endswith("/messages"):
            try:  # where a moved message went: the stand-in's own lookup
                value = delta.messages_with_id(self.store, self._mailbox(mailbox, "inbox"), args)
            except GraphError as err:
                return _error(err.status, err.code, err.message, err.headers)
            return httpx.Response(200, json={"value": value})
        box = self._mailbox(mailbox, folder)
        link_base = (f"{BASE}/users/{mailbox}/calendarView/delta()" if folder == "calendar" else
                     f"{BASE}/users/{mailbox}/mailFolders/{folder}/messages/delta()")
        asked = delta.Prefer.parse(request.headers.get_list("Prefer"))
        try:
            body = delta.page(self.store, box.folders[folder],
                              token=delta.decode(raw) if raw else None, args=args,
                              prefer=delta.Prefer(self.page_size, asked.body_type),
                              link_base=link_base, window=None)
        except GraphError as err:
            return _error(err.status, err.code, err.message, err.headers)
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
