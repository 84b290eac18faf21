"""The customer story: everything the sidebar shows for a person (or, when only their domain
is known, for their account). Every query is tenant-scoped and index-driven so a contact with
thousands of interactions still answers in milliseconds.

The story is read with the prebuilt Core statements of ``story_sql`` on the session's
connection (plain rows, ids as text): per request that costs a fraction of building ORM
statements and loading entities, which is what the sidebar's latency and a two-worker
server's throughput are made of. Round trips are the other half on PostgreSQL, so a story is
few of them: the contact (with its account and addresses), one :class:`.story_sql.Bundle`
of everything that needs only the person and the account, the timeline page, the stage
history when the account has deals, and (in ``Viewer.story``) one read of what the
visibility rule needs; the viewer's settings come in one more.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.db import STATS_CACHE, TtlCache
from app.errors import NotFound

from . import cards, stakeholders
from . import story_sql as q
from .ageing import default_stale_days, stale_days
from .court import ball_in_court
from .deals import StageMedian, deal_staleness, stage_medians
from .health import HealthInputs, score_health
from .identity import domain_of, free_mail_domains, registrable_domain
from .merges import merged_family
from .models import utcnow
from .story_sql import OPEN_STAGES
from .story_types import (
    AccountCard,
    CommitmentItem,
    Commitments,
    ContactCard,
    DealItem,
    FunctionThreads,
    StageChange,
    Stakeholders,
    Story,
    StoryContact,
    Teammate,
    Timeline,
)
from .visibility import Viewer

__all__ = ["HEALTH_RECENT", "OPEN_STAGES", "StoryQuery", "read_only"]

HEALTH_RECENT = 100  # newest interactions the health score reads (reply times)
RECENT_SLACK = 16  # the newest window reads this many more, for deleted interactions
TEAM_THREAD_DAYS = 30  # a team mailbox's thread with no message for this long is not open
CLOSED_DAYS = 14  # auto-closed commitments stay in the story this long, to see or reopen
Row = sa.Row[Any]
Rows = Sequence[Row]


def read_only(session: Session) -> None:
    """Reads the rest of the request without a transaction on PostgreSQL (autocommit): no
    BEGIN and ROLLBACK round trips. A story only reads, and under PostgreSQL's default READ
    COMMITTED every statement takes its own snapshot inside a transaction too, so what it
    sees is the same. SQLite's driver starts no transaction for reads anyway."""
    if not session.in_transaction() and session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


class Recent(NamedTuple):
    """One of the newest live interactions (the timeline page and health read them)."""

    id: str
    occurred_at: datetime
    direction: str
    thread_id: str | None


def fold_team_threads(rows: Rows, now: datetime) -> list[FunctionThreads]:
    """Per function, its open threads from ``TEAM_THREADS`` rows (newest first): a thread
    whose last message came from the customer waits on us, one we answered last waits on them.
    Most waiting on us first."""
    last: dict[tuple[str, str], Row] = {}
    for r in rows:
        key = (r.function or "", r.thread_id or r.id)
        last.setdefault(key, r)  # newest first: the first seen is the thread's last word
    out: dict[str, dict[str, Any]] = {}
    for (function, _thread), r in last.items():
        f = out.setdefault(function, {"us": [], "them": 0, "latest": r})
        if r.direction == "inbound":
            f["us"].append(max(0, (now - r.occurred_at).days))
        elif r.direction == "outbound":
            f["them"] += 1
        if r.occurred_at > f["latest"].occurred_at:
            f["latest"] = r
    threads = [FunctionThreads(function=fn, waiting_on_us=len(f["us"]), waiting_on_them=f["them"],
                               oldest_wait_days=max(f["us"]) if f["us"] else None,
                               latest_subject=f["latest"].subject,
                               latest_at=f["latest"].occurred_at)
               for fn, f in out.items() if f["us"] or f["them"]]
    return sorted(threads, key=lambda f: (-f.waiting_on_us, -(f.oldest_wait_days or 0),
                                          f.function))


class StoryQuery:
    """Builds stories for one tenant at one moment (``now``), reading with one session."""

    def __init__(self, session: Session, tenant_id: uuid.UUID, *, now: datetime | None = None):
        self.s, self.t = session, tenant_id
        self.now = now or utcnow()
        self.today = self.now.date()
        self._conn: sa.Connection | None = None
        self._stale_days: int | None = None

    # -- entry points -------------------------------------------------------------------
    def for_address(self, address: str, *, page: int = 1,
                    page_size: int = 20) -> Story | None:
        """The story of whoever owns ``address`` (normalised); None when nothing is known."""
        self._start()
        rows = self._rows(q.CONTACT_BY_ADDRESS, address=address)
        seen: set[str] = set()
        while rows and rows[0].merged_into is not None:  # follow merges to the survivor
            seen.add(rows[0].id)
            if rows[0].merged_into in seen:
                break
            rows = self._rows(q.CONTACT_BY_ID, id=rows[0].merged_into)
        if rows:
            return self._contact_story(rows, page, page_size)
        account = self._account_for_domain(domain_of(address))
        if account is None:
            return None
        return self._story(None, [], account, page, page_size, address=address)

    def for_contact_id(self, contact_id: uuid.UUID, *, page: int = 1,
                       page_size: int = 20) -> Story:
        """The story of a contact by id (a merged contact answers with its survivor's)."""
        self._start()
        rows = self._rows(q.CONTACT_BY_ID, id=str(contact_id))
        seen: set[str] = set()
        while rows and rows[0].merged_into is not None and rows[0].id not in seen:
            seen.add(rows[0].id)
            rows = self._rows(q.CONTACT_BY_ID, id=rows[0].merged_into)
        if not rows:
            raise NotFound("no contact with that id")
        return self._contact_story(rows, page, page_size)

    def viewer(self, user_id: uuid.UUID) -> Viewer:
        """The viewer the stories are shown to; the same statement gives the tenant's
        stale-promise age."""
        viewer = Viewer.load(self.s, tenant_id=self.t, user_id=user_id)
        chosen = viewer.stale_promise_days
        self._stale_days = int(chosen) if chosen is not None and chosen > 0 \
            else default_stale_days(self.s)
        return viewer

    # -- reading ----------------------------------------------------------------------------
    def _start(self) -> None:
        """Flushes pending changes (as the ORM's autoflush would) and takes the session's
        connection, so the story sees the session's own writes within its transaction."""
        self.s.flush()
        self._conn = self.s.connection()
        if self._stale_days is None:
            self._stale_days = stale_days(self.s, tenant_id=self.t)

    def _rows(self, statement: sa.Executable, **params: Any) -> Rows:
        assert self._conn is not None
        params["t"] = self.t
        return self._conn.execute(statement, params).all()

    def _account_for_domain(self, domain: str) -> AccountCard | None:
        reg = registrable_domain(domain)
        if reg in free_mail_domains():
            return None
        rows = self._rows(q.ACCOUNT_BY_DOMAIN, domain=reg)
        if not rows:
            return None
        head = rows[0]
        return AccountCard(id=head.id, name=head.name, interaction_count=head.interaction_count,
                           last_activity_at=head.last_activity_at,
                           domains=[r.domain for r in rows if r.domain is not None])

    # -- parts ----------------------------------------------------------------------------
    def _contact_story(self, rows: Rows, page: int, page_size: int) -> Story:
        """The story of a (surviving) contact, from its ``CONTACT_BY_*`` rows (one per
        address), gathering the contacts merged into it."""
        head = rows[0]
        if head.has_merged:
            family = [str(c) for c in merged_family(self.s, tenant_id=self.t,
                                                      contact_id=uuid.UUID(head.id))]
            addresses = [r.address for r in self._rows(q.ADDRESSES, family=family)]
        else:
            family = [head.id]
            addresses = list(dict.fromkeys(r.address for r in rows if r.address is not None))
        card = cards.story_contact_row(
            head, addresses, merged_from=[c for c in family if c != head.id],
            merge_suggestions=self._alike(head) if (
                head.has_alike and head.name_key and head.account_id is not None) else [])
        account = None
        if head.account_id is not None and head.account_name is not None:
            # Rows repeat each address per domain; the first address's rows list them all.
            account = AccountCard(
                id=head.account_id, name=head.account_name,
                interaction_count=head.account_interactions,
                last_activity_at=head.account_last_activity_at,
                domains=[r.domain for r in rows if r.address == head.address and r.domain])
        return self._story(card, family, account, page, page_size)

    def _alike(self, head: Row) -> list[ContactCard]:
        """Other live contacts with the same name in the same account, with their addresses."""
        alike = self._rows(q.ALIKE, acc=head.account_id, name_key=head.name_key, id=head.id)
        if not alike:
            return []
        addresses: dict[str, list[str]] = {}
        for r in self._rows(q.ADDRESSES, family=[a.id for a in alike]):
            addresses.setdefault(r.contact_id, []).append(r.address)
        return [cards.contact_row(r, addresses.get(r.id, [])) for r in alike]

    def _story(self, card: StoryContact | None, family: list[str], account: AccountCard | None,
               page: int, page_size: int, *, address: str | None = None) -> Story:
        scope = {"family": family, "acc": account.id if account else None}
        of = "family" if family else "account"
        since_30 = self.now - timedelta(days=30)
        # One window of the newest live interactions serves the timeline page and health.
        count = max(HEALTH_RECENT, page * page_size + 1)
        # Everything that needs only the person and the account, in one round trip.
        got = _bundle(of, account is not None).read(self._connection(), {
            **scope, "t": self.t, "now": self.now, "since_30": since_30,
            "since_90": self.now - timedelta(days=90),
            "closed_since": self.now - timedelta(days=CLOSED_DAYS),
            "threads_since": self.now - timedelta(days=TEAM_THREAD_DAYS),
            "since": self.now - timedelta(days=stakeholders.ENGAGED_DAYS),
            "window": count + RECENT_SLACK})
        commitments = self._commitments(got["commitments"], got["closed"])
        signal_rows = got["signals"]
        signals_more = len(signal_rows) > q.SIGNAL_LIMIT
        signal_rows = signal_rows[:q.SIGNAL_LIMIT]
        recent = self._recent(of, scope, count, got["recent"])
        deal_rows = got.get("deals", [])
        agg = got["health"][0]
        if family and deal_rows:
            account_last = (agg.account_last_in, agg.account_last_out)
        else:
            account_last = (agg.last_in, agg.last_out)
        risks = [r for r in signal_rows if r.kind == "risk" and r.occurred_at >= since_30]
        thread_rows = got["threads"]
        via = {r.id: r.function for r in thread_rows}
        team_threads = fold_team_threads(thread_rows, self.now)
        # the ball's court is the account's: every person's story of it tells the same one
        owed = self._commitments(got["owed"], []) if family and deal_rows else commitments
        # the stage history keeps its own statement: its ORDER BY leaves ties to the plan
        history = self._rows(q.HISTORY, ids=[r.id for r in deal_rows]) if deal_rows else []
        deals = self._deals(deal_rows, history, *account_last, owed)
        people = self._stakeholders(account, deals, got) if account else None
        return Story(
            contact=card,
            account=account,
            timeline=self._timeline(recent, page, page_size),
            commitments=commitments,
            signals=[cards.signal_row(r) for r in signal_rows],
            deals=deals,
            health=score_health(HealthInputs(
                now=self.now, last_inbound_at=agg.last_in, last_outbound_at=agg.last_out,
                inbound_total=int(agg.inbound), outbound_total=int(agg.outbound),
                recent_30d=int(agg.recent), prior_60d=int(agg.prior),
                recent=[(r.occurred_at, r.direction, r.thread_id)
                        for r in recent[:HEALTH_RECENT]],
                open_risks=len(risks),
                overdue_ours=sum(1 for c in commitments.ours if c.overdue and c.shown),
                team_risks=Counter(via[r.interaction_id] for r in risks
                                   if r.interaction_id in via),
                team_waiting=[(f.function, f.oldest_wait_days) for f in team_threads
                              if f.oldest_wait_days is not None],
            )),
            team=[Teammate(user_id=r.user_id, name=r.display_name, email=r.email,
                           interactions=int(r.interactions), last_interaction_at=r.last_at)
                  for r in got.get("team", [])],
            generated_at=self.now,
            address=address,
            team_threads=team_threads,
            stakeholders=people,
            signals_more=signals_more,
        )

    def _recent(self, of: str, scope: dict[str, Any], count: int, rows: Rows) -> list[Recent]:
        """The newest ``count`` live interactions, newest first, from a ``RECENT`` window of
        ``count + RECENT_SLACK`` rows (read with the bundle).

        Reads the timeline index newest first and only a window of it, then drops deleted
        interactions (rare) and widens the window if that left too few: a contact with
        thousands of interactions costs a page of index entries, not a sort of the history.
        """
        window = count + RECENT_SLACK
        while True:
            live = [Recent(r.id, r.occurred_at, r.direction, r.thread_id) for r in rows if r.live]
            if len(live) >= count or len(rows) < window:
                return live[:count]
            window *= 4
            rows = self._rows(q.RECENT[of], **scope, window=window)

    def _timeline(self, recent: list[Recent], page: int, page_size: int) -> Timeline:
        offset = (page - 1) * page_size
        ids = [r.id for r in recent[offset:offset + page_size + 1]]
        found: dict[str, Row] = {}
        team: dict[str, list[str]] = {}
        functions: dict[str, str] = {}
        for row in self._rows(q.TIMELINE, ids=ids[:page_size]) if ids else ():
            if row.part == 0:
                found[row.id] = row
            elif row.part == 2:
                functions.setdefault(row.id, row.seller)
            else:
                names = team.setdefault(row.id, [])
                if row.seller not in names:
                    names.append(row.seller)
        return Timeline(
            page=page, page_size=page_size, has_more=len(ids) > page_size,
            items=[cards.interaction_row(found[i], team.get(i, []), functions.get(i))
                   for i in ids[:page_size] if i in found])

    def _commitments(self, open_rows: Rows, closed_rows: Rows) -> Commitments:
        """Open commitments both ways (``COMMITMENTS`` rows); undated ones older than the
        tenant's limit are stale (listed apart, never overdue); and those auto-closed in
        CLOSED_DAYS (``CLOSED_COMMITMENTS`` rows)."""
        ours: list[CommitmentItem] = []
        theirs: list[CommitmentItem] = []
        limit = self._stale_days or 14
        for row in open_rows:
            (ours if row.side == "us" else theirs).append(
                cards.commitment_row(row, self.today, stale_after=limit))
        done = [cards.closed_commitment_row(r, self.today, stale_after=limit)
                for r in closed_rows]
        both = [x for x in ours + theirs if x.shown]  # suggestions are not counted
        return Commitments(ours=ours, theirs=theirs, overdue=sum(1 for x in both if x.overdue),
                           stale=sum(1 for x in both if x.stale), stale_after_days=limit,
                           recently_closed=done)

    def _deals(self, rows: Rows, history_rows: Rows, last_in: datetime | None,
               last_out: datetime | None, commitments: Commitments) -> list[DealItem]:
        """The account's deals; an open one says whose court the ball is in and why, and
        whether it is going stale (:func:`.deals.deal_staleness`)."""
        if not rows:
            return []
        two_way = min(last_in, last_out) if last_in and last_out else None
        court = ball_in_court(ours=commitments.ours, theirs=commitments.theirs,
                              last_in=last_in, last_out=last_out, now=self.now)
        history: dict[str, list[StageChange]] = {}
        for h in history_rows:
            history.setdefault(h.deal_id, []).append(
                StageChange(from_=h.from_stage, to=h.to_stage, at=h.changed_at))
        open_rows = [r for r in rows if r.stage in OPEN_STAGES]
        medians = self._medians([r.stage for r in open_rows]) if open_rows else {}
        out = []
        for r in rows:
            item = cards.deal_row(r, self.now, two_way,
                                  court.side if r.stage in OPEN_STAGES else None,
                                  history.get(r.id, []))
            if r.stage in OPEN_STAGES:
                median = medians[r.stage]
                stale, reason = deal_staleness(
                    stage=r.stage, days_in_stage=item.days_in_stage,
                    stage_median_days=median.days, stage_deals=median.deals,
                    last_two_way=two_way, now=self.now,
                    days_open=max(0, (self.now - r.created_at).days))
                item = replace(item, ball_reason=court.reason, stale=stale,
                               stale_reason=reason, ball_commitment_id=court.commitment_id)
            out.append(item)
        return out

    def _medians(self, stages: list[str]) -> dict[str, StageMedian]:
        """The tenant's stage medians: statistics of all its deals, so the process keeps them
        up to ``STATS_SECONDS`` (app/db.py) when the session carries the cache."""
        cache: TtlCache | None = self.s.info.get(STATS_CACHE)
        if cache is None:
            return stage_medians(self.s, tenant_id=self.t, stages=stages)
        out: dict[str, StageMedian] = {}
        for stage in stages:
            found = cache.get(("stage_median", self.t, stage))
            if found is not None:
                out[stage] = found
        missing = [st for st in dict.fromkeys(stages) if st not in out]
        if missing:
            for stage, median in stage_medians(self.s, tenant_id=self.t,
                                               stages=missing).items():
                cache.put(("stage_median", self.t, stage), median)
                out[stage] = median
        return out

    def _stakeholders(self, account: AccountCard, deals: list[DealItem],
                      got: Mapping[str, Rows]) -> Stakeholders:
        """The account's people engaged in 90 days and those mentioned with their roles."""
        return stakeholders.build(
            people=got["people"], engaged=got["engaged"], mentions=got["mentions"],
            named=got["named"], open_deals=[d.name for d in deals if d.stage in OPEN_STAGES],
            domains=account.domains, now=self.now)

    def _connection(self) -> sa.Connection:
        assert self._conn is not None
        return self._conn


def _bundle(of: str, with_account: bool) -> q.Bundle:
    """The story's statements that need only the person (``of`` family) or the account,
    as one :class:`.story_sql.Bundle` (built once per shape)."""
    key = (of, with_account)
    found = _BUNDLES.get(key)
    if found is None:
        scope = "account" if with_account else "family"
        parts: dict[str, Any] = {
            "commitments": q.COMMITMENTS[of], "closed": q.CLOSED_COMMITMENTS[of],
            "signals": q.SIGNALS[scope], "recent": q.RECENT[of],
            "health": q.HEALTH["family+last" if of == "family" and with_account else of],
            "threads": q.TEAM_THREADS[scope]}
        if with_account:
            parts |= {"deals": q.DEALS, "people": q.ACCOUNT_PEOPLE, "engaged": q.ENGAGED,
                      "mentions": q.MENTIONS, "named": q.NAMED}
            if of == "family":
                parts["owed"] = q.COMMITMENTS["account"]
        if of == "family":
            parts["team"] = q.TEAM
        found = _BUNDLES[key] = q.Bundle(parts)
    return found


_BUNDLES: dict[tuple[str, bool], q.Bundle] = {}
