"""The customer story: everything the sidebar shows for a person (or, when only their domain
is known, for their account). Every query is tenant-scoped and index-driven so a contact with
thousands of interactions still answers in milliseconds."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import serialize as ser
from .contacts import account_for_domain, addresses_of, contact_for_address, get_contact
from .health import HealthInputs, score_health
from .identity import domain_of
from .merges import merge_suggestions, merged_family
from .models import (
    Account,
    Commitment,
    Contact,
    Deal,
    DealStageChange,
    Interaction,
    Participant,
    Relationship,
    Signal,
    User,
    utcnow,
)

OPEN_STAGES = ("lead", "qualified", "proposal", "negotiation")
HEALTH_RECENT = 100  # newest interactions the health score reads (reply times)
Recent = tuple[uuid.UUID, datetime, str, str | None]  # id, occurred_at, direction, thread_id


class StoryQuery:
    """Builds stories for one tenant at one moment (``now``), reading with one session."""

    def __init__(self, session: Session, tenant_id: uuid.UUID, *, now: datetime | None = None):
        self.s, self.t = session, tenant_id
        self.now = now or utcnow()
        self.today = self.now.date()

    # -- entry points -------------------------------------------------------------------
    def for_address(self, address: str, *, page: int = 1, page_size: int = 20) -> dict | None:
        """The story of whoever owns ``address`` (normalised); None when nothing is known."""
        contact = contact_for_address(self.s, tenant_id=self.t, address=address)
        if contact is not None:
            return self.for_contact(contact, page=page, page_size=page_size)
        account = account_for_domain(self.s, tenant_id=self.t, domain=domain_of(address))
        if account is None:
            return None
        return self._story(None, [], account, page, page_size) | {"address": address}

    def for_contact_id(self, contact_id: uuid.UUID, *, page: int = 1, page_size: int = 20) -> dict:
        """The story of a contact by id (a merged contact answers with its survivor's)."""
        contact = get_contact(self.s, tenant_id=self.t, contact_id=contact_id)
        while contact.merged_into is not None:
            contact = get_contact(self.s, tenant_id=self.t, contact_id=contact.merged_into)
        return self.for_contact(contact, page=page, page_size=page_size)

    def for_contact(self, contact: Contact, *, page: int, page_size: int) -> dict:
        """The story of a (surviving) contact, gathering the contacts merged into it."""
        family = merged_family(self.s, tenant_id=self.t, contact_id=contact.id)
        account = self.s.get(Account, (self.t, contact.account_id)) if contact.account_id else None
        return self._story(contact, family, account, page, page_size)

    # -- parts ----------------------------------------------------------------------------
    def _story(self, contact: Contact | None, family: list[uuid.UUID], account: Account | None,
               page: int, page_size: int) -> dict[str, Any]:
        commitments = self._commitments(family, account)
        signals = self._signals(family, account)
        # One window of the newest live interactions serves the timeline page and health.
        recent = self._recent(family, account, max(HEALTH_RECENT, page * page_size + 1))
        return {
            "contact": self._contact_card(contact, family),
            "account": ser.account(self.s, self.t, account) if account else None,
            "timeline": self._timeline(recent, page, page_size),
            "commitments": commitments,
            "signals": signals,
            "deals": self._deals(account),
            "health": self._health(family, account, commitments, signals, recent),
            "team": self._team(family),
            "generated_at": self.now.isoformat(),
        }

    def _contact_card(self, contact: Contact | None, family: list[uuid.UUID]) -> dict | None:
        if contact is None:
            return None
        card = ser.contact(contact, addresses_of(self.s, tenant_id=self.t, contact_ids=family))
        card["merged_from"] = [str(c) for c in family if c != contact.id]
        card["merge_suggestions"] = [
            ser.contact(c, addresses_of(self.s, tenant_id=self.t, contact_ids=[c.id]))
            for c in merge_suggestions(self.s, tenant_id=self.t, contact=contact)
        ]
        return card

    def _live_ids(self, family: list[uuid.UUID], account: Account | None) -> sa.Select:
        if family:
            return (
                sa.select(Participant.interaction_id, Participant.occurred_at)
                .where(Participant.tenant_id == self.t, Participant.contact_id.in_(family))
                .distinct()
            )
        assert account is not None
        return sa.select(Interaction.id, Interaction.occurred_at).where(
            Interaction.tenant_id == self.t, Interaction.account_id == account.id
        )

    def _recent(self, family: list[uuid.UUID], account: Account | None,
                count: int) -> list[Recent]:
        """The newest ``count`` live interactions, newest first, as (id, occurred_at,
        direction, thread_id).

        Reads the timeline index newest first and only a window of it, then drops deleted
        interactions (rare) and widens the window if that left too few: a contact with
        thousands of interactions costs a page of index entries, not a sort of the history.
        """
        newest = self._live_ids(family, account)
        iid, at = newest.selected_columns
        newest = newest.order_by(at.desc(), iid.desc())
        window = count + 16
        while True:
            ids = self.s.execute(newest.limit(window)).scalars().all()
            found: dict[uuid.UUID, Recent] = {
                i: (i, occurred_at, direction, thread)
                for i, occurred_at, direction, thread in self.s.execute(
                    sa.select(Interaction.id, Interaction.occurred_at, Interaction.direction,
                              Interaction.thread_id)
                    .where(Interaction.tenant_id == self.t, Interaction.id.in_(ids),
                           Interaction.deleted_at.is_(None))
                )
            } if ids else {}
            live = [found[i] for i in ids if i in found]
            if len(live) >= count or len(ids) < window:
                return live[:count]
            window *= 4

    def _timeline(self, recent: list[Recent], page: int, page_size: int) -> dict[str, Any]:
        offset = (page - 1) * page_size
        ids = [r[0] for r in recent[offset:offset + page_size + 1]]
        found = {i.id: i for i in self.s.scalars(
            sa.select(Interaction).where(
                Interaction.tenant_id == self.t, Interaction.id.in_(ids[:page_size]))
        )} if ids else {}
        items = [found[i] for i in ids[:page_size] if i in found]
        team = ser.team_names(self.s, self.t, [i.id for i in items])
        return {
            "page": page,
            "page_size": page_size,
            "has_more": len(ids) > page_size,
            "items": [ser.interaction(i, team.get(i.id, [])) for i in items],
        }

    def _scope(self, model: Any, family: list[uuid.UUID], account: Account | None) -> Any:
        if family:
            return model.contact_id.in_(family)
        return model.account_id == account.id if account else sa.false()

    def _commitments(self, family: list[uuid.UUID], account: Account | None) -> dict[str, Any]:
        rows = self.s.execute(
            sa.select(Commitment, Interaction.subject)
            .join(Interaction, sa.and_(Interaction.tenant_id == Commitment.tenant_id,
                                       Interaction.id == Commitment.interaction_id), isouter=True)
            .where(Commitment.tenant_id == self.t, Commitment.status == "open",
                   self._scope(Commitment, family, account),
                   sa.or_(Interaction.deleted_at.is_(None), Interaction.id.is_(None)))
            .order_by(Commitment.due_on.is_(None), Commitment.due_on, Commitment.created_at)
            .limit(100)
        ).all()
        out: dict[str, list] = {"ours": [], "theirs": []}
        for c, subject in rows:
            out["ours" if c.side == "us" else "theirs"].append(
                ser.commitment(c, subject, self.today)
            )
        return out | {"overdue": sum(1 for x in out["ours"] + out["theirs"] if x["overdue"])}

    def _signals(self, family: list[uuid.UUID], account: Account | None) -> list[dict]:
        scope = (Signal.account_id == account.id) if account else self._scope(Signal, family, None)
        rows = self.s.scalars(
            sa.select(Signal).where(Signal.tenant_id == self.t, scope)
            .order_by(Signal.occurred_at.desc()).limit(20)
        ).all()
        return [ser.signal(s) for s in rows]

    def _last(self, account: Account, direction: str) -> datetime | None:
        return self.s.scalar(
            sa.select(Interaction.occurred_at).where(
                Interaction.tenant_id == self.t, Interaction.account_id == account.id,
                Interaction.direction == direction, Interaction.deleted_at.is_(None),
            ).order_by(Interaction.occurred_at.desc()).limit(1)
        )

    def _deals(self, account: Account | None) -> list[dict]:
        if account is None:
            return []
        deals = self.s.scalars(
            sa.select(Deal).where(Deal.tenant_id == self.t, Deal.account_id == account.id)
            .order_by(Deal.stage.in_(OPEN_STAGES).desc(), Deal.created_at.desc())
        ).all()
        if not deals:
            return []
        last_in, last_out = self._last(account, "inbound"), self._last(account, "outbound")
        two_way = min(last_in, last_out) if last_in and last_out else None
        court = None
        if last_in or last_out:
            court = "ours" if (last_out is None or (last_in and last_in > last_out)) else "theirs"
        history = self._stage_history([d.id for d in deals])
        owners = dict(self.s.execute(
            sa.select(User.id, User.display_name).where(User.tenant_id == self.t)
        ).all())
        return [
            ser.deal(d, self.now, two_way, court if d.stage in OPEN_STAGES else None,
                     history.get(d.id, []),
                     owners.get(d.owner_user_id) if d.owner_user_id else None)
            for d in deals
        ]

    def _stage_history(self, deal_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[dict]]:
        out: dict[uuid.UUID, list[dict]] = {}
        for ch in self.s.scalars(
            sa.select(DealStageChange).where(
                DealStageChange.tenant_id == self.t, DealStageChange.deal_id.in_(deal_ids)
            ).order_by(DealStageChange.changed_at)
        ):
            out.setdefault(ch.deal_id, []).append(
                {"from": ch.from_stage, "to": ch.to_stage, "at": ch.changed_at.isoformat()}
            )
        return out

    def _health(self, family: list[uuid.UUID], account: Account | None, commitments: dict,
                signals: list[dict], recent: list[Recent]) -> dict[str, Any]:
        agg: tuple[Any, ...]
        if family:
            agg = tuple(self.s.execute(
                sa.select(sa.func.max(Relationship.last_inbound_at),
                          sa.func.max(Relationship.last_outbound_at),
                          sa.func.coalesce(sa.func.sum(Relationship.inbound), 0),
                          sa.func.coalesce(sa.func.sum(Relationship.outbound), 0))
                .where(Relationship.tenant_id == self.t, Relationship.contact_id.in_(family))
            ).one())
        elif account is not None:
            agg = (self._last(account, "inbound"), self._last(account, "outbound"), 1, 1)
        else:
            agg = (None, None, 0, 0)
        ids = self._live_ids(family, account).subquery()
        since_30, since_90 = self.now - timedelta(days=30), self.now - timedelta(days=90)
        counts = self.s.execute(
            sa.select(sa.func.count().filter(ids.c[1] >= since_30),
                      sa.func.count().filter(ids.c[1] < since_30))
            .select_from(ids).where(ids.c[1] >= since_90, ids.c[1] <= self.now)
        ).one()
        risks = sum(1 for s in signals if s["kind"] == "risk" and
                    datetime.fromisoformat(s["occurred_at"]) >= since_30)
        overdue_ours = sum(1 for c in commitments["ours"] if c["overdue"])
        return score_health(HealthInputs(
            now=self.now, last_inbound_at=agg[0], last_outbound_at=agg[1],
            inbound_total=int(agg[2]), outbound_total=int(agg[3]),
            recent_30d=int(counts[0]), prior_60d=int(counts[1]),
            recent=[(at, direction, thread) for _id, at, direction, thread
                    in recent[:HEALTH_RECENT]],
            open_risks=risks, overdue_ours=overdue_ours,
        ))

    def _team(self, family: list[uuid.UUID]) -> list[dict]:
        if not family:
            return []
        rows = self.s.execute(
            sa.select(User, sa.func.sum(Relationship.interactions),
                      sa.func.max(Relationship.last_at))
            .join(Relationship, sa.and_(Relationship.tenant_id == User.tenant_id,
                                        Relationship.user_id == User.id))
            .where(Relationship.tenant_id == self.t, Relationship.contact_id.in_(family))
            .group_by(User.tenant_id, User.id)
            .order_by(sa.func.sum(Relationship.interactions).desc(),
                      sa.func.max(Relationship.last_at).desc())
        ).all()
        return [{"user_id": str(u.id), "name": u.display_name, "email": u.email,
                 "interactions": int(n), "last_interaction_at": last.isoformat() if last else None}
                for u, n, last in rows]
