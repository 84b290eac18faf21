"""The customer story: everything the sidebar shows for a person (or, when only their domain
is known, for their account). Every query is tenant-scoped and index-driven so a contact with
thousands of interactions still answers in milliseconds.

The story is read with the prebuilt Core statements of ``story_sql`` on the session's
connection (about ten statements, plain rows, ids as text): per request that costs a fraction
of building ORM statements and loading entities, which is what the sidebar's latency and a
two-worker server's throughput are made of.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.errors import NotFound

from . import serialize as ser
from . import story_sql as q
from .health import HealthInputs, score_health
from .identity import domain_of, free_mail_domains, registrable_domain
from .merges import merged_family
from .models import utcnow
from .story_sql import OPEN_STAGES

__all__ = ["HEALTH_RECENT", "OPEN_STAGES", "StoryQuery"]

HEALTH_RECENT = 100  # newest interactions the health score reads (reply times)
Recent = tuple[str, datetime, str, str | None]  # id, occurred_at, direction, thread_id
# id, name, interaction_count, last_activity_at, domains
AccountFields = tuple[str, str, int, datetime | None, list[str]]
Row = sa.Row[*tuple[Any, ...]]
Rows = Sequence[Row]


class StoryQuery:
    """Builds stories for one tenant at one moment (``now``), reading with one session."""

    def __init__(self, session: Session, tenant_id: uuid.UUID, *, now: datetime | None = None):
        self.s, self.t = session, tenant_id
        self.now = now or utcnow()
        self.today = self.now.date()
        self._conn: sa.Connection | None = None

    # -- entry points -------------------------------------------------------------------
    def for_address(self, address: str, *, page: int = 1, page_size: int = 20) -> dict | None:
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
        return self._story(None, [], account, page, page_size) | {"address": address}

    def for_contact_id(self, contact_id: uuid.UUID, *, page: int = 1, page_size: int = 20) -> dict:
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

    # -- reading ----------------------------------------------------------------------------
    def _start(self) -> None:
        """Flushes pending changes (as the ORM's autoflush would) and takes the session's
        connection, so the story sees the session's own writes within its transaction."""
        self.s.flush()
        self._conn = self.s.connection()

    def _rows(self, statement: sa.Executable, **params: Any) -> Rows:
        assert self._conn is not None
        params["t"] = self.t
        return self._conn.execute(statement, params).all()

    def _account_for_domain(self, domain: str) -> AccountFields | None:
        reg = registrable_domain(domain)
        if reg in free_mail_domains():
            return None
        rows = self._rows(q.ACCOUNT_BY_DOMAIN, domain=reg)
        if not rows:
            return None
        aid, name, count, last, _domain = rows[0]
        return aid, name, count, last, [r.domain for r in rows if r.domain is not None]

    # -- parts ----------------------------------------------------------------------------
    def _contact_story(self, rows: Rows, page: int, page_size: int) -> dict[str, Any]:
        """The story of a (surviving) contact, from its ``CONTACT_BY_*`` rows (one per
        address), gathering the contacts merged into it."""
        head = rows[0]
        if head.has_merged:
            family = [str(c) for c in merged_family(self.s, tenant_id=self.t,
                                                      contact_id=uuid.UUID(head.id))]
            addresses = [a for _c, a in self._rows(q.ADDRESSES, family=family)]
        else:
            family = [head.id]
            addresses = list(dict.fromkeys(r.address for r in rows if r.address is not None))
        card = ser.contact_row(head, addresses)
        card["merged_from"] = [c for c in family if c != head.id]
        card["merge_suggestions"] = self._alike(head) if (
            head.has_alike and head.name_key and head.account_id is not None) else []
        account = None
        if head.account_id is not None and head.account_name is not None:
            # Rows repeat each address per domain; the first address's rows list them all.
            domains = [r.domain for r in rows if r.address == head.address and r.domain]
            account = (head.account_id, head.account_name, head.account_interactions,
                       head.account_last_activity_at, domains)
        return self._story(card, family, account, page, page_size)

    def _alike(self, head: Row) -> list[dict[str, Any]]:
        """Other live contacts with the same name in the same account, with their addresses."""
        alike = self._rows(q.ALIKE, acc=head.account_id, name_key=head.name_key, id=head.id)
        if not alike:
            return []
        addresses: dict[str, list[str]] = {}
        for cid, address in self._rows(q.ADDRESSES, family=[r[0] for r in alike]):
            addresses.setdefault(cid, []).append(address)
        return [ser.contact_row(r, addresses.get(r[0], [])) for r in alike]

    def _story(self, card: dict[str, Any] | None, family: list[str],
               account: AccountFields | None, page: int, page_size: int) -> dict[str, Any]:
        scope = {"family": family, "acc": account[0] if account else None}
        of = "family" if family else "account"
        commitments = self._commitments(of, scope)
        signal_rows = self._rows(q.SIGNALS["account" if account else "family"], **scope)
        # One window of the newest live interactions serves the timeline page and health.
        recent = self._recent(of, scope, max(HEALTH_RECENT, page * page_size + 1))
        deal_rows = self._rows(q.DEALS, **scope) if account else []
        since_30 = self.now - timedelta(days=30)
        health_key = ("family+last" if deal_rows else "family") if family else "account"
        agg = self._rows(q.HEALTH[health_key], **scope, now=self.now, since_30=since_30,
                         since_90=self.now - timedelta(days=90))[0]
        account_last = (agg[6], agg[7]) if family and deal_rows else (agg[0], agg[1])
        risks = sum(1 for r in signal_rows if r[1] == "risk" and r[7] >= since_30)
        return {
            "contact": card,
            "account": ser.account_row(*account) if account else None,
            "timeline": self._timeline(recent, page, page_size),
            "commitments": commitments,
            "signals": [ser.signal_row(r) for r in signal_rows],
            "deals": self._deals(deal_rows, *account_last),
            "health": score_health(HealthInputs(
                now=self.now, last_inbound_at=agg[0], last_outbound_at=agg[1],
                inbound_total=int(agg[2]), outbound_total=int(agg[3]),
                recent_30d=int(agg[4]), prior_60d=int(agg[5]),
                recent=[(at, direction, thread) for _id, at, direction, thread
                        in recent[:HEALTH_RECENT]],
                open_risks=risks,
                overdue_ours=sum(1 for c in commitments["ours"] if c["overdue"]),
            )),
            "team": self._team(family),
            "generated_at": self.now.isoformat(),
        }

    def _recent(self, of: str, scope: dict[str, Any], count: int) -> list[Recent]:
        """The newest ``count`` live interactions, newest first, as (id, occurred_at,
        direction, thread_id).

        Reads the timeline index newest first and only a window of it, then drops deleted
        interactions (rare) and widens the window if that left too few: a contact with
        thousands of interactions costs a page of index entries, not a sort of the history.
        """
        window = count + 16
        while True:
            rows = self._rows(q.RECENT[of], **scope, window=window)
            live = [(i, at, direction, thread) for i, at, direction, thread, ok in rows if ok]
            if len(live) >= count or len(rows) < window:
                return live[:count]
            window *= 4

    def _timeline(self, recent: list[Recent], page: int, page_size: int) -> dict[str, Any]:
        offset = (page - 1) * page_size
        ids = [r[0] for r in recent[offset:offset + page_size + 1]]
        found: dict[str, Sequence[Any]] = {}
        team: dict[str, list[str]] = {}
        for part, iid, *row in self._rows(q.TIMELINE, ids=ids[:page_size]) if ids else ():
            if part == 0:
                found[iid] = (iid, *row[:-1])
            else:
                names = team.setdefault(iid, [])
                if row[-1] not in names:
                    names.append(row[-1])
        items = [found[i] for i in ids[:page_size] if i in found]
        return {
            "page": page,
            "page_size": page_size,
            "has_more": len(ids) > page_size,
            "items": [ser.interaction_row(r, team.get(r[0], [])) for r in items],
        }

    def _commitments(self, of: str, scope: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, list] = {"ours": [], "theirs": []}
        for row in self._rows(q.COMMITMENTS[of], **scope):
            out["ours" if row[2] == "us" else "theirs"].append(ser.commitment_row(row, self.today))
        return out | {"overdue": sum(1 for x in out["ours"] + out["theirs"] if x["overdue"])}

    def _deals(self, rows: Rows, last_in: datetime | None,
               last_out: datetime | None) -> list[dict]:
        if not rows:
            return []
        two_way = min(last_in, last_out) if last_in and last_out else None
        court = None
        if last_in or last_out:
            court = "ours" if (last_out is None or (last_in and last_in > last_out)) else "theirs"
        history: dict[str, list[dict]] = {}
        for deal_id, from_stage, to_stage, at in self._rows(q.HISTORY, ids=[r[0] for r in rows]):
            history.setdefault(deal_id, []).append(
                {"from": from_stage, "to": to_stage, "at": at.isoformat()})
        return [ser.deal_row(r, self.now, two_way, court if r[2] in OPEN_STAGES else None,
                         history.get(r[0], []))
                for r in rows]

    def _team(self, family: list[str]) -> list[dict]:
        if not family:
            return []
        return [{"user_id": uid, "name": name, "email": email, "interactions": int(n),
                 "last_interaction_at": last.isoformat() if last else None}
                for uid, name, email, n, last in self._rows(q.TEAM, family=family)]
