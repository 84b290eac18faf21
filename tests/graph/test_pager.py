"""Delta rounds through the pager: every page in order, throttling ridden out within the
limits, expired tokens restarting the round, at most four requests per mailbox."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.graph.config import GraphConfig
from app.graph.errors import GraphThrottled
from app.graph.pager import PagerEvent, Stream, iter_pages

from .fakegraph import FakeGraph, at, message


def _fill(fake: FakeGraph, mailbox: str, folder: str, n: int) -> None:
    for i in range(n):
        fake.add(mailbox, folder, message(i, sender=f"c{i}@acmeco.io", to=f"{mailbox}@ourteam.io",
                                          when=at(i), mid=f"<{mailbox}-{folder}-{i}>"))


def _run(fake: FakeGraph, config: GraphConfig, streams: list[Stream]) -> list[PagerEvent]:
    return list(iter_pages(config, lambda: "token", streams, transport=fake.transport))


def test_a_round_follows_next_links_to_the_delta_link(fake: FakeGraph,
                                                      graph_config: GraphConfig) -> None:
    _fill(fake, "ann", "inbox", 35)
    events = _run(fake, graph_config, [Stream(mailbox="ann", folder="inbox")])
    pages = [e.page for e in events if e.page]
    assert [len(p.items) for p in pages] == [10, 10, 10, 5]
    assert all(p.next_link for p in pages[:-1]) and pages[-1].delta_link
    ids = [m.internet_message_id for p in pages for m in p.items]
    assert len(ids) == len(set(ids)) == 35
    assert ids[0] == "<ann-inbox-0>"  # newest first


def test_the_next_round_brings_only_changes_and_removals(fake: FakeGraph,
                                                         graph_config: GraphConfig) -> None:
    _fill(fake, "ann", "inbox", 3)
    first = _run(fake, graph_config, [Stream(mailbox="ann", folder="inbox")])
    delta_link = first[-1].page.delta_link  # type: ignore[union-attr]
    fake.remove("ann", "inbox", "AAMk-1-c1@acmeco.io")
    fake.add("ann", "inbox", message(9, sender="new@acmeco.io", to="ann@ourteam.io", when=at(0)))
    (event,) = _run(fake, graph_config, [Stream(mailbox="ann", folder="inbox", link=delta_link)])
    assert event.page is not None
    assert [m.subject for m in event.page.items] == ["Message 9"]
    assert event.page.removed == ("AAMk-1-c1@acmeco.io",)


def test_a_429_storm_is_ridden_out_within_the_retry_bound(fake: FakeGraph,
                                                         graph_config: GraphConfig) -> None:
    _fill(fake, "ann", "inbox", 25)
    fake.throttle = graph_config.max_retries  # just inside the bound
    events = _run(fake, graph_config, [Stream(mailbox="ann", folder="inbox")])
    assert sum(len(e.page.items) for e in events if e.page) == 25
    assert fake.requests == 3 + graph_config.max_retries


def test_a_storm_past_the_bound_stops_the_stream_with_a_typed_error(
        fake: FakeGraph, graph_config: GraphConfig) -> None:
    _fill(fake, "ann", "inbox", 5)
    fake.throttle = 100
    (event,) = _run(fake, graph_config, [Stream(mailbox="ann", folder="inbox")])
    assert isinstance(event.error, GraphThrottled)
    assert fake.requests == graph_config.max_retries + 1  # bounded, not 100


def test_an_expired_token_restarts_a_full_round(fake: FakeGraph,
                                               graph_config: GraphConfig) -> None:
    _fill(fake, "ann", "inbox", 12)
    fake.expired = True
    events = _run(fake, graph_config, [Stream(mailbox="ann", folder="inbox", link="https://graph.test/v1.0/users/"
                                                   "ann/mailFolders/inbox/messages/delta()"
                                                   "?$deltatoken=3")])
    fake.expired = False
    assert events[0].restarted
    # the restarted round begins without a token, so it is served again
    assert sum(len(e.page.items) for e in events if e.page) in (10, 12)


@pytest.mark.parametrize("folders", [("inbox", "sentitems", "archive", "deleteditems",
                                      "drafts", "junk")])
def test_no_more_than_four_requests_in_flight_per_mailbox(
        fake: FakeGraph, graph_config: GraphConfig, folders: tuple[str, ...]) -> None:
    fake.latency = 0.01
    for folder in folders:
        _fill(fake, "ann", folder, 15)
        _fill(fake, "bob", folder, 15)
    streams = [Stream(mailbox=m, folder=f) for m in ("ann", "bob") for f in folders]
    events = _run(fake, replace(graph_config, max_in_flight=4), streams)
    assert sum(len(e.page.items) for e in events if e.page) == 15 * len(folders) * 2
    assert max(fake.max_in_flight.values()) == 4
