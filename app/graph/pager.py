"""Delta rounds for many folders, fetched on one background event loop and handed to a
synchronous consumer page by page.

The consumer (app/sync) stores each page and its resume link in one transaction; the
producer keeps at most ``buffer`` pages ahead, so memory stays flat however big the mailbox.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from .attachments import with_attachment_names
from .client import TokenSource, TransportFactory, graph_client
from .config import GraphConfig
from .delta import event_page, message_page
from .errors import DeltaExpired, GraphError
from .sdk import GraphServiceClient
from .types import DeltaPage

CALENDAR = "calendar"


@dataclass(frozen=True, kw_only=True)
class Stream:
    """One delta round to run: a mailbox folder (or ``calendar``) and where to start."""

    mailbox: str  # Graph user id or UPN
    folder: str  # inbox | sentitems | calendar
    link: str | None = None  # stored next/delta link; None starts a fresh round
    since: datetime | None = None  # horizon (messages $filter; calendar window start)
    until: datetime | None = None  # calendar window end


@dataclass(frozen=True, kw_only=True)
class PagerEvent:
    """What the consumer receives: a page, a restart notice, an error, or the end."""

    stream: Stream
    page: DeltaPage[Any] | None = None
    restarted: bool = False  # the stored token was gone; a full round follows
    error: GraphError | None = None  # the stream stopped here
    done: bool = False


class _Producer:
    def __init__(self, config: GraphConfig, tokens: TokenSource, streams: list[Stream],
                 buffer: int, transport: TransportFactory | None) -> None:
        self.config, self.tokens, self.streams = config, tokens, streams
        self.buffer, self.transport = buffer, transport
        self.loop: asyncio.AbstractEventLoop | None = None
        self.queue: asyncio.Queue[PagerEvent] | None = None
        self.main: asyncio.Task[None] | None = None
        self.drained: asyncio.Event | None = None
        self.ready = threading.Event()
        self.failure: BaseException | None = None

    def run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer thread
            self.failure = exc
        finally:
            self.ready.set()

    async def _main(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.queue = asyncio.Queue(maxsize=self.buffer)
        self.main = asyncio.current_task()
        self.drained = asyncio.Event()
        transport: httpx.AsyncBaseTransport | None = self.transport() if self.transport else None
        async with graph_client(self.config, self.tokens, transport=transport) as client:
            self.ready.set()
            slots: dict[str, asyncio.Semaphore] = {}
            tasks = []
            for stream in self.streams:
                sem = slots.setdefault(stream.mailbox, asyncio.Semaphore(self.config.max_in_flight))
                tasks.append(asyncio.create_task(self._stream(client, sem, stream)))
            await asyncio.gather(*tasks)
            await self.drained.wait()  # the loop must outlive the consumer's last get()

    async def _fetch(self, client: GraphServiceClient, sem: asyncio.Semaphore, s: Stream,
                     link: str | None) -> DeltaPage[Any]:
        if s.folder == CALENDAR:
            assert s.since is not None and s.until is not None, "calendar needs a window"
            return await event_page(client, self.config, sem, user_id=s.mailbox, link=link,
                                    start=s.since, end=s.until)
        page = await message_page(client, self.config, sem, user_id=s.mailbox,
                                  folder=s.folder, link=link, since=s.since)
        if not any(m.has_attachments for m in page.items):
            return page
        items = await with_attachment_names(client, self.config, sem, user_id=s.mailbox,
                                            messages=page.items)
        return dataclasses.replace(page, items=items)

    async def _stream(self, client: GraphServiceClient, sem: asyncio.Semaphore,
                      stream: Stream) -> None:
        assert self.queue is not None
        link, restarted = stream.link, False
        try:
            while True:
                try:
                    page = await self._fetch(client, sem, stream, link)
                except DeltaExpired:
                    if link is None or restarted:
                        raise
                    link, restarted = None, True
                    await self.queue.put(PagerEvent(stream=stream, restarted=True))
                    continue
                await self.queue.put(PagerEvent(stream=stream, page=page))
                if not page.next_link:
                    break
                link = page.next_link
        except GraphError as err:
            await self.queue.put(PagerEvent(stream=stream, error=err))
        except (ValueError, TypeError, KeyError) as err:  # a page the SDK could not parse
            wrapped = GraphError(f"{stream.folder}: unreadable page ({type(err).__name__})")
            wrapped.__cause__ = err
            await self.queue.put(PagerEvent(stream=stream, error=wrapped))
        await self.queue.put(PagerEvent(stream=stream, done=True))


def _next_event(producer: _Producer, thread: threading.Thread, timeout: float) -> PagerEvent:
    assert producer.loop is not None and producer.queue is not None
    fut: Future[PagerEvent] = asyncio.run_coroutine_threadsafe(producer.queue.get(), producer.loop)
    waited = 0.0
    while True:
        try:
            return fut.result(timeout=0.5)
        except FutureTimeout:
            waited += 0.5
            if not thread.is_alive() or waited >= timeout:
                fut.cancel()
                raise GraphError("graph pager stopped without finishing") from producer.failure


def iter_pages(
    config: GraphConfig,
    tokens: TokenSource,
    streams: list[Stream],
    *,
    buffer: int = 4,
    transport: TransportFactory | None = None,
    wait: float | None = None,
) -> Iterator[PagerEvent]:
    """Yields pager events for every stream until each has reached its delta link (or
    failed). Breaking out of the loop stops the producer and closes its client."""
    producer = _Producer(config, tokens, streams, buffer, transport)
    thread = threading.Thread(target=producer.run, name="graph-pager", daemon=True)
    thread.start()
    producer.ready.wait()
    try:
        if producer.failure is not None:
            raise GraphError(f"graph client failed to start: {producer.failure}") \
                from producer.failure
        assert producer.loop is not None and producer.queue is not None
        remaining = len(streams)
        timeout = wait or (config.timeout + config.max_retry_after) * (config.max_retries + 2)
        while remaining:
            event = _next_event(producer, thread, timeout)
            if event.done:
                remaining -= 1
                continue
            yield event
    finally:
        loop, main = producer.loop, producer.main
        if thread.is_alive() and loop is not None and main is not None:
            try:
                loop.call_soon_threadsafe(main.cancel)
            except RuntimeError:
                pass  # the loop closed in between: nothing left to stop
        thread.join(timeout=config.timeout)
