"""Who sees what: the one rule every surface (story, search, prep cards and the Teams tab,
digest, sync status, prep by meeting id) applies to what a seller may see of mail.

For one viewer and one interaction the rule gives a level:

- ``full`` to the sellers who hold it (it is in their mailbox, or they are on it), to the
  sellers of the function whose team mailbox (support@, billing@) holds it, and to everyone
  when one of them shared its thread with the team;
- ``hidden`` (not there at all, findings included) when one of them made its thread private,
  or it is private by itself (Outlook sensitivity personal / private / confidential, or
  free-mail people tied to no account) and nobody shared it, or only function-only team
  mailboxes of another function hold it;
- otherwise the tenant's policy: ``metadata`` (that it happened: when, direction, which of
  us), ``subject`` (also the subject and the short form of findings: kind, action, value,
  due date) or ``full`` (also snippets and evidence sentences).

The story is filtered after it is read (:meth:`Viewer.story`), so the rule lives here only.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.compiler import SQLCompiler

from app.db import VISIBILITY
from app.errors import BadRequest, Forbidden, NotFound

from .court import Court, unseen
from .models import (
    Commitment,
    Contact,
    Interaction,
    InteractionMailbox,
    Participant,
    Tenant,
    ThreadMark,
    User,
    utcnow,
)
from .story_sql import UuidText, in_ids, null_of
from .story_types import (
    CommitmentItem,
    ContactCard,
    DealItem,
    FunctionThreads,
    SignalItem,
    Span,
    Stakeholders,
    Story,
    StoryContact,
    TimelineItem,
)

LEVELS = ("hidden", "metadata", "subject", "full")
POLICIES = ("metadata", "subject", "full")
MARKS = ("shared", "private", "default")
RANK = {name: n for n, name in enumerate(LEVELS)}


def thread_key(interaction: Interaction) -> str:
    """What a thread mark is kept under: the conversation, or the item itself."""
    return interaction.thread_id or f"item:{interaction.id}"


def tenant_policy(session: Session, *, tenant_id: uuid.UUID, default: str) -> str:
    """The tenant's visibility policy (its admin's choice, else ``STORYLINE_VISIBILITY``)."""
    chosen = session.scalar(sa.select(Tenant.visibility).where(Tenant.id == tenant_id))
    return chosen if chosen in POLICIES else default


def set_policy(session: Session, *, tenant_id: uuid.UUID, visibility: str | None) -> None:
    """Sets the tenant's policy (None: back to the settings' default)."""
    if visibility is not None and visibility not in POLICIES:
        raise BadRequest(f"visibility must be one of {', '.join(POLICIES)}",
                         code="invalid_visibility")
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        raise NotFound("no such tenant")
    tenant.visibility = visibility
    session.flush()


def _owned(tenant_id: uuid.UUID, user_id: uuid.UUID) -> sa.CompoundSelect[Any]:
    """Ids of the interactions a seller holds: in their mailbox, or they are on it."""
    return sa.union(
        sa.select(InteractionMailbox.interaction_id).where(
            InteractionMailbox.tenant_id == tenant_id, InteractionMailbox.user_id == user_id),
        sa.select(Participant.interaction_id).where(
            Participant.tenant_id == tenant_id, Participant.user_id == user_id),
    )


class _IdText(sa.sql.functions.GenericFunction[str]):
    """A UUID column as its canonical text (``str(uuid)``): what a thread mark's
    ``item:<id>`` key is made of."""

    type = sa.String()
    name = "storyline_id_text"
    inherit_cache = True


@compiles(_IdText)
def _id_text(element: _IdText, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS TEXT)"


@compiles(_IdText, "sqlite")
def _id_text_sqlite(element: _IdText, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite keeps a UUID as 32 hex digits: dashed as str(uuid) writes it
    x = compiler.process(element.clauses, **kw)
    return (f"lower(substr({x}, 1, 8) || '-' || substr({x}, 9, 4) || '-' || "
            f"substr({x}, 13, 4) || '-' || substr({x}, 17, 4) || '-' || substr({x}, 21, 12))")


# -- what the rule needs, in one statement: per interaction the facts its level follows
# from (part 0), the source interaction of commitments a deal's court cites (part 1), the
# contacts the viewer may see among some (part 2), and the team mailboxes' functions (part 3,
# when asked). Built once; ``u`` the viewer, ``fn`` their function. --
_it, _pa, _im, _us = (Interaction.__table__, Participant.__table__,
                      InteractionMailbox.__table__, User.__table__)
_tm, _cm, _co = ThreadMark.__table__, Commitment.__table__, Contact.__table__
_T = sa.bindparam("t", type_=sa.Uuid())
_U = sa.bindparam("u", type_=sa.Uuid())


def _holds(it: Any) -> sa.ColumnElement[bool]:
    """The viewer holds the interaction ``it`` (in their mailbox, or they are on it)."""
    box, on_it = _im.alias("mine_box"), _pa.alias("mine_on")
    return sa.or_(
        sa.exists().where(box.c.tenant_id == it.c.tenant_id, box.c.interaction_id == it.c.id,
                          box.c.user_id == _U),
        sa.exists().where(on_it.c.tenant_id == it.c.tenant_id,
                          on_it.c.interaction_id == it.c.id, on_it.c.user_id == _U))


def _boxes(*cond: Any) -> sa.Exists:
    """Some mailbox holding the interaction (its user row) meets ``cond``."""
    box, holder = _im.alias("box"), _us.alias("holder")
    cond = tuple(c(holder) for c in cond)
    return sa.exists().where(box.c.tenant_id == _it.c.tenant_id,
                             box.c.interaction_id == _it.c.id,
                             holder.c.tenant_id == box.c.tenant_id, holder.c.id == box.c.user_id,
                             *cond)


def _team(u: Any) -> Any:
    return u.c.team_mailbox.is_(True)


_key = sa.func.coalesce(_it.c.thread_id, sa.literal("item:", sa.String) + _IdText(_it.c.id))


def _marked(mark: str) -> sa.Exists:
    return sa.exists().where(_tm.c.tenant_id == _it.c.tenant_id, _tm.c.thread_id == _key,
                             _tm.c.mark == mark)


def _visible_contact(co: Any) -> sa.ColumnElement[bool]:
    """Core form of :meth:`Viewer.visible_contacts` for the viewer ``u``."""
    pa, it, any_pa = _pa.alias("vis_pa"), _it.alias("vis_it"), _pa.alias("any_pa")
    seen = sa.exists(sa.select(1).select_from(pa.join(it, sa.and_(
        it.c.tenant_id == pa.c.tenant_id, it.c.id == pa.c.interaction_id,
        it.c.deleted_at.is_(None)))).where(
        pa.c.tenant_id == co.c.tenant_id, pa.c.contact_id == co.c.id,
        sa.or_(it.c.private.is_(False), _holds(it))))
    any_mail = sa.exists(sa.select(1).select_from(any_pa).where(
        any_pa.c.tenant_id == co.c.tenant_id, any_pa.c.contact_id == co.c.id))
    return sa.or_(seen, sa.not_(any_mail))


_cited_sources = sa.select(_cm.c.interaction_id).where(_cm.c.tenant_id == _T,
                                                       in_ids(_cm.c.id, "cited"))


def _level_facts(which: Any) -> sa.Select[Any]:
    return sa.select(
        sa.literal_column("0", sa.Integer).label("part"),
        sa.type_coerce(_it.c.id, UuidText()).label("id"),
        null_of(UuidText()).label("ref"), _it.c.private.label("private"),
        _holds(_it).label("owned"), _marked("private").label("private_mark"),
        _marked("shared").label("shared_mark"),
        _boxes(_team, lambda u: u.c.function == sa.bindparam("fn", type_=sa.String()))
        .label("function_holds"),
        sa.and_(_boxes(_team), ~_boxes(lambda u: ~sa.and_(
            _team(u), u.c.function_only.is_(True)))).label("restricted"),
        null_of(sa.String()).label("function"),
    ).where(_it.c.tenant_id == _T, which)


# (the asked ids and the cited sources as two branches: an OR of the two would not use the
# primary key on PostgreSQL; an interaction in both comes twice, with the same facts)
FACTS: sa.CompoundSelect[Any] = sa.union_all(
    _level_facts(in_ids(_it.c.id, "ids")), _level_facts(_it.c.id.in_(_cited_sources)),
    sa.select(sa.literal_column("1", sa.Integer), sa.type_coerce(_cm.c.id, UuidText()),
              sa.type_coerce(_cm.c.interaction_id, UuidText()), *[sa.null()] * 7)
    .where(_cm.c.tenant_id == _T, in_ids(_cm.c.id, "cited")),
    sa.select(sa.literal_column("2", sa.Integer), sa.type_coerce(_co.c.id, UuidText()),
              *[sa.null()] * 8)
    .where(_co.c.tenant_id == _T, in_ids(_co.c.id, "contacts"), _visible_contact(_co)),
    sa.select(sa.literal_column("3", sa.Integer), *[sa.null()] * 7, _us.c.function_only,
              _us.c.function)
    .where(_us.c.tenant_id == _T, _us.c.team_mailbox.is_(True),
           sa.bindparam("teams", type_=sa.Boolean())),
)
SETTINGS = sa.select(
    Tenant.__table__.c.visibility, Tenant.__table__.c.stale_promise_days,
    sa.select(_us.c.function).where(_us.c.tenant_id == Tenant.__table__.c.id, _us.c.id == _U)
    .scalar_subquery().label("function"),
).where(Tenant.__table__.c.id == _T)


@dataclass
class Facts:
    """What one :data:`FACTS` read gave: each interaction's level, the source interaction
    of each cited commitment, the contacts the viewer may see, and per function whether all
    its team mailboxes are function-only."""

    levels: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str | None] = field(default_factory=dict)
    contacts: set[str] = field(default_factory=set)
    restricted: dict[str, bool] = field(default_factory=dict)


def _ids(values: Iterable[str | uuid.UUID | None]) -> list[str]:
    return list(dict.fromkeys(str(uuid.UUID(str(v))) for v in values if v))


def mark_thread(session: Session, *, tenant_id: uuid.UUID, user_id: uuid.UUID,
                interaction_id: uuid.UUID, mark: str) -> str:
    """Shares the interaction's thread with the team, makes it private, or sets it back to
    the policy (``default``); only a seller who holds mail of the thread may. Gives the key."""
    if mark not in MARKS:
        raise BadRequest(f"mark must be one of {', '.join(MARKS)}", code="invalid_mark")
    interaction = session.get(Interaction, (tenant_id, interaction_id))
    if interaction is None or interaction.deleted_at is not None:
        raise NotFound("no such email or meeting in your record")
    key = thread_key(interaction)
    thread = sa.select(Interaction.id).where(Interaction.tenant_id == tenant_id,
                                             Interaction.id == interaction_id) \
        if interaction.thread_id is None else sa.select(Interaction.id).where(
            Interaction.tenant_id == tenant_id, Interaction.thread_id == interaction.thread_id)
    mine = _owned(tenant_id, user_id).subquery()
    holds = session.scalar(sa.select(sa.func.count()).select_from(mine).where(
        mine.c.interaction_id.in_(thread)))
    if not holds:
        raise Forbidden("only a seller whose mailbox holds this thread can share it or make "
                        "it private", code="not_your_thread")
    row = session.get(ThreadMark, (tenant_id, key, user_id))
    if mark == "default":
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(ThreadMark(tenant_id=tenant_id, thread_id=key, user_id=user_id, mark=mark,
                               marked_at=utcnow()))
    else:
        row.mark, row.marked_at = mark, utcnow()
    session.flush()
    return key


class Viewer:
    """One seller looking at the record: gives each interaction's level and filters what a
    surface is about to show them."""

    def __init__(self, session: Session, *, tenant_id: uuid.UUID, user_id: uuid.UUID,
                 policy: str) -> None:
        self.s, self.t, self.user_id = session, tenant_id, user_id
        self.policy = policy if policy in POLICIES else "subject"
        # the tenant's own age of a stale undated promise (None: the default), when loaded
        self.stale_promise_days: int | None = None

    @classmethod
    def load(cls, session: Session, *, tenant_id: uuid.UUID, user_id: uuid.UUID) -> Viewer:
        """A viewer under the tenant's policy (default: the session's, from the settings),
        with their function and the tenant's stale-promise age: one statement."""
        default = str(session.info.get(VISIBILITY, "subject"))
        row = session.execute(SETTINGS, {"t": tenant_id, "u": user_id}).first()
        chosen = row.visibility if row is not None else None
        viewer = cls(session, tenant_id=tenant_id, user_id=user_id,
                     policy=chosen if chosen in POLICIES else default)
        viewer._function = row.function if row is not None else None
        viewer.stale_promise_days = row.stale_promise_days if row is not None else None
        return viewer

    def facts(self, ids: Iterable[str | uuid.UUID | None], *,
              cited: Iterable[str | None] = (), contacts: Iterable[str | None] = (),
              teams: bool = False) -> Facts:
        """The levels of ``ids`` and of the sources of the ``cited`` commitments, the
        sources, which of ``contacts`` the viewer may see and (``teams``) the functions'
        restrictions, read in one statement."""
        wanted, cited_, contacts_ = _ids(ids), _ids(cited), _ids(contacts)
        out = Facts(levels={i: "hidden" for i in wanted})
        if not (wanted or cited_ or contacts_ or teams):
            return out
        for r in self.s.execute(FACTS, {"t": self.t, "u": self.user_id, "fn": self.function,
                                        "ids": wanted, "cited": cited_,
                                        "contacts": contacts_, "teams": teams}):
            if r.part == 0:
                if r.owned:
                    level = "full"
                elif r.private_mark:
                    level = "hidden"
                elif r.shared_mark or (self.function and r.function_holds):
                    level = "full"
                elif r.restricted or r.private:
                    level = "hidden"
                else:
                    level = self.policy
                out.levels[r.id] = level
            elif r.part == 1:
                out.sources[r.id] = r.ref
            elif r.part == 2:
                out.contacts.add(r.id)
            elif r.function:
                out.restricted[r.function] = out.restricted.get(r.function, True) \
                    and bool(r.restricted)
        for source in out.sources.values():
            if source:
                out.levels.setdefault(source, "hidden")
        return out

    def levels(self, ids: Iterable[str | uuid.UUID]) -> dict[str, str]:
        """The level of each interaction (by id as text); unknown ids are ``hidden``."""
        return self.facts(ids).levels

    @property
    def function(self) -> str | None:
        """The viewer's own function (support, finance ...), if they carry one."""
        if not hasattr(self, "_function"):
            self._function: str | None = self.s.scalar(sa.select(User.function).where(
                User.tenant_id == self.t, User.id == self.user_id))
        return self._function

    def sharing(self, interaction_id: uuid.UUID) -> dict[str, Any]:
        """The viewer's mark on the thread of an interaction they hold (``shared``,
        ``private`` or ``default``), whether it is private by itself, and what the team
        sees of it."""
        interaction = self.s.get(Interaction, (self.t, interaction_id))
        if interaction is None:
            raise NotFound("no such email or meeting in your record")
        key = thread_key(interaction)
        mine = self.s.get(ThreadMark, (self.t, key, self.user_id))
        marks = set(self.s.scalars(sa.select(ThreadMark.mark).where(
            ThreadMark.tenant_id == self.t, ThreadMark.thread_id == key)))
        team = "hidden" if "private" in marks else "full" if "shared" in marks else \
            "hidden" if interaction.private else self.policy
        return {"interaction_id": str(interaction_id), "mark": mine.mark if mine else "default",
                "private": interaction.private, "sensitivity": interaction.sensitivity,
                "team_sees": team, "policy": self.policy}

    def level(self, interaction_id: str | uuid.UUID) -> str:
        """The level of one interaction."""
        return self.levels([interaction_id]).get(str(interaction_id), "hidden")

    def visible_contacts(self) -> sa.ColumnElement[bool]:
        """A clause on ``contacts.id``: the contact is known through something the viewer may
        see (a contact known only from private mail of others is not there at all)."""
        from .models import Contact

        live = sa.and_(Interaction.tenant_id == Participant.tenant_id,
                       Interaction.id == Participant.interaction_id,
                       Interaction.deleted_at.is_(None))
        of_contact = sa.and_(Participant.tenant_id == Contact.tenant_id,
                             Participant.contact_id == Contact.id)
        seen = sa.exists(sa.select(1).select_from(Participant).join(Interaction, live).where(
            of_contact, sa.or_(Interaction.private.is_(False), self._holds_interaction())))
        any_mail = sa.exists(sa.select(1).select_from(Participant).where(of_contact))
        return sa.or_(seen, sa.not_(any_mail))

    def _holds_interaction(self) -> sa.ColumnElement[bool]:
        """A clause on ``interactions``: the viewer holds it (in their mailbox, or on it).
        Correlated lookups by primary key, not ``IN`` the seller's whole holdings: on
        PostgreSQL that set is built in full for every statement (tens of thousands of rows
        for a busy seller)."""
        on_it = aliased(Participant)
        return sa.or_(
            sa.exists().where(InteractionMailbox.tenant_id == Interaction.tenant_id,
                              InteractionMailbox.interaction_id == Interaction.id,
                              InteractionMailbox.user_id == self.user_id),
            sa.exists().where(on_it.tenant_id == Interaction.tenant_id,
                              on_it.interaction_id == Interaction.id,
                              on_it.user_id == self.user_id))

    def sees_contact(self, contact_id: str | uuid.UUID) -> bool:
        """Whether the viewer may see this contact at all (see :meth:`visible_contacts`)."""
        return str(uuid.UUID(str(contact_id))) in self.facts((), contacts=[str(contact_id)]) \
            .contacts

    def story(self, story: Story | None) -> Story | None:
        """The story as this viewer may see it (None: nothing they may see). What the rule
        needs of the story (levels, the court's sources, the contacts, the functions) is read
        in one statement."""
        if story is None:
            return None
        card = story.contact
        found = story.commitments.ours + story.commitments.theirs
        closed = story.commitments.recently_closed
        ids = [t.id for t in story.timeline.items] + [c.interaction_id for c in found]
        ids += [c.interaction_id for c in closed] + [
            c.closed_by.interaction_id for c in closed if c.closed_by]
        ids += [s.interaction_id for s in story.signals]
        ids += _evidence_sources(card.evidence if card else {})
        people = story.stakeholders
        ids += [m.interaction_id for m in people.mentioned] if people else []
        contacts = [card.id] if card is not None else []
        if people:
            contacts += [p.contact_id for p in people.engaged if p.contact_id]
            contacts += [m.contact_id for m in people.mentioned if m.contact_id]
        facts = self.facts(ids, cited=[d.ball_commitment_id for d in story.deals],
                           contacts=contacts, teams=bool(story.team_threads))
        if card is not None and card.id not in facts.contacts:
            return None
        levels = facts.levels
        ours = [_finding(c, levels) for c in story.commitments.ours if _shows(c, levels)]
        theirs = [_finding(c, levels) for c in story.commitments.theirs if _shows(c, levels)]
        return replace(
            story,
            contact=self.card(card, levels) if card else None,
            timeline=replace(story.timeline, items=[
                _item(t, levels[t.id]) for t in story.timeline.items
                if levels.get(t.id, "hidden") != "hidden"]),
            commitments=replace(story.commitments, ours=ours, theirs=theirs,
                                overdue=sum(1 for c in ours + theirs if c.overdue and c.shown),
                                stale=sum(1 for c in ours + theirs if c.stale and c.shown),
                                recently_closed=[_closed(c, levels) for c in closed
                                                 if _shows(c, levels)
                                                 and _closer_shows(c, levels)]),
            signals=[_finding(s, levels) for s in story.signals if _shows(s, levels)],
            team_threads=self._team_threads(story.team_threads, facts.restricted),
            deals=self._courts(story.deals, levels, facts.sources),
            stakeholders=self._stakeholders(people, levels, facts.contacts) if people else None,
        )

    def _courts(self, deals: list[DealItem], levels: dict[str, str],
                sources: dict[str, str | None]) -> list[DealItem]:
        """The deals, a ball's reason that quotes a promise from mail the viewer may not see
        told without it (whose court it is stays: it is the account's)."""
        out = []
        for d in deals:
            source = sources.get(d.ball_commitment_id or "")
            if d.ball_commitment_id and source and RANK[
                    levels.get(source, "hidden")] < RANK["subject"]:
                d = replace(d, ball_reason=unseen(Court(d.ball_in_court, d.ball_reason)),
                            ball_commitment_id=None)
            out.append(d)
        return out

    def _stakeholders(self, people: Stakeholders, levels: dict[str, str],
                      seen: set[str]) -> Stakeholders:
        """The account's people the viewer may see (a contact known only from others'
        private mail is not there), mentions only from mail they may see the subject of,
        their words only from mail they may read; a name the mail itself gives stays when
        the contact it links to does not."""
        mentioned = [
            replace(m, text=m.text if levels.get(m.interaction_id or "") == "full" else "")
            if m.contact_id is None or m.contact_id in seen else
            replace(m, contact_id=None, name=m.name if m.source == "mail" else None,
                    title=None, engaged=False, text="")
            for m in people.mentioned
            if RANK[levels.get(m.interaction_id or "", "hidden")] >= RANK["subject"]]
        return replace(people, engaged=[p for p in people.engaged
                                        if p.contact_id is None or p.contact_id in seen],
                       mentioned=mentioned)

    def _team_threads(self, threads: list[FunctionThreads],
                      restricted: dict[str, bool]) -> list[FunctionThreads]:
        """The open threads per function the viewer may see: none of a function whose team
        mailboxes are all function-only (unless it is theirs), no subject under ``metadata``."""
        if not threads:
            return threads
        out = []
        for t in threads:
            if t.function == self.function:
                out.append(t)
            elif not restricted.get(t.function, False):
                out.append(t if RANK[self.policy] >= RANK["subject"]
                           else replace(t, latest_subject=None))
        return out

    def card(self, card: C, levels: dict[str, str] | None = None) -> C:
        """A contact card without the signature words of mail the viewer may not read."""
        sources = _evidence_sources(card.evidence)
        if not sources:
            return card
        if levels is None:
            levels = self.levels(sources)
        evidence = {
            k: e if not isinstance(e, dict) or not e.get("interaction_id")
            or levels.get(str(e["interaction_id"])) == "full"
            else {k2: v for k2, v in e.items() if k2 != "text"}
            for k, e in card.evidence.items()}
        return replace(card, evidence=evidence)


def _evidence_sources(evidence: dict[str, Any]) -> list[str]:
    return [str(e["interaction_id"]) for e in evidence.values()
            if isinstance(e, dict) and e.get("interaction_id")]


def _item(item: TimelineItem, level: str) -> TimelineItem:
    if RANK[level] >= RANK["full"]:
        return item
    return replace(item, snippet="", subject=item.subject if RANK[level] >= RANK["subject"]
                   else "")


F = TypeVar("F", CommitmentItem, SignalItem)
C = TypeVar("C", ContactCard, StoryContact)


def _shows(finding: CommitmentItem | SignalItem, levels: dict[str, str]) -> bool:
    source = finding.interaction_id
    return source is None or RANK[levels.get(source, "hidden")] >= RANK["subject"]


def _closer_shows(c: CommitmentItem, levels: dict[str, str]) -> bool:
    """An auto-closed commitment shows only when the mail that closed it may be seen."""
    closer = c.closed_by.interaction_id if c.closed_by else None
    return closer is None or RANK[levels.get(closer, "hidden")] >= RANK["subject"]


def _closed(c: CommitmentItem, levels: dict[str, str]) -> CommitmentItem:
    """A closed commitment as the viewer may see it: the closing mail's words only when
    they may read that mail in full."""
    shown = _finding(c, levels)
    closer = c.closed_by.interaction_id if c.closed_by else None
    if c.closed_by is None or closer is None or levels.get(closer) == "full":
        return shown
    return replace(shown, closed_by=replace(c.closed_by, evidence=None))


def _finding(finding: F, levels: dict[str, str]) -> F:
    source = finding.interaction_id
    if source is None or levels.get(source) == "full":
        return finding
    return replace(finding, text="", evidence=Span(start=None, end=None))
