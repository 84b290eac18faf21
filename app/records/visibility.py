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
from dataclasses import replace
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from app.db import VISIBILITY
from app.errors import BadRequest, Forbidden, NotFound

from .court import Court, unseen
from .models import (
    Commitment,
    Interaction,
    InteractionMailbox,
    Participant,
    Tenant,
    ThreadMark,
    User,
    utcnow,
)
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

    @classmethod
    def load(cls, session: Session, *, tenant_id: uuid.UUID, user_id: uuid.UUID) -> Viewer:
        """A viewer under the tenant's policy (default: the session's, from the settings)."""
        default = str(session.info.get(VISIBILITY, "subject"))
        return cls(session, tenant_id=tenant_id, user_id=user_id,
                   policy=tenant_policy(session, tenant_id=tenant_id, default=default))

    def levels(self, ids: Iterable[str | uuid.UUID]) -> dict[str, str]:
        """The level of each interaction (by id as text); unknown ids are ``hidden``."""
        wanted = {uuid.UUID(str(i)) for i in ids if i}
        if not wanted:
            return {}
        rows = self.s.execute(sa.select(Interaction.id, Interaction.private,
                                        Interaction.thread_id).where(
            Interaction.tenant_id == self.t, Interaction.id.in_(wanted))).all()
        mine = _owned(self.t, self.user_id).subquery()
        owned = set(self.s.scalars(sa.select(mine.c.interaction_id).where(
            mine.c.interaction_id.in_(wanted))))
        keys = {r.thread_id or f"item:{r.id}" for r in rows}
        marks: dict[str, set[str]] = {}
        for key, mark in self.s.execute(sa.select(ThreadMark.thread_id, ThreadMark.mark).where(
                ThreadMark.tenant_id == self.t, ThreadMark.thread_id.in_(keys))):
            marks.setdefault(key, set()).add(mark)
        teams = self._team_holders(wanted)
        out = {str(i): "hidden" for i in wanted}
        for r in rows:
            thread = marks.get(r.thread_id or f"item:{r.id}", set())
            functions, restricted = teams.get(r.id, (set(), False))
            if r.id in owned:
                level = "full"
            elif "private" in thread:
                level = "hidden"
            elif "shared" in thread or (self.function and self.function in functions):
                level = "full"
            elif restricted or r.private:
                level = "hidden"
            else:
                level = self.policy
            out[str(r.id)] = level
        return out

    @property
    def function(self) -> str | None:
        """The viewer's own function (support, finance ...), if they carry one."""
        if not hasattr(self, "_function"):
            self._function: str | None = self.s.scalar(sa.select(User.function).where(
                User.tenant_id == self.t, User.id == self.user_id))
        return self._function

    def _team_holders(self, ids: set[uuid.UUID]) -> dict[uuid.UUID, tuple[set[str], bool]]:
        """Per interaction held by team mailboxes: their functions, and whether only
        function-only team mailboxes hold it (no seller's mailbox, no open team mailbox)."""
        held: dict[uuid.UUID, list[tuple[bool, str | None, bool]]] = {}
        for iid, team, function, only in self.s.execute(
                sa.select(InteractionMailbox.interaction_id, User.team_mailbox, User.function,
                          User.function_only)
                .join(User, sa.and_(User.tenant_id == InteractionMailbox.tenant_id,
                                    User.id == InteractionMailbox.user_id))
                .where(InteractionMailbox.tenant_id == self.t,
                       InteractionMailbox.interaction_id.in_(ids))):
            held.setdefault(iid, []).append((bool(team), function, bool(only)))
        out: dict[uuid.UUID, tuple[set[str], bool]] = {}
        for iid, boxes in held.items():
            teams = [(f, only) for team, f, only in boxes if team]
            if teams:
                out[iid] = ({f for f, _o in teams if f},
                            len(teams) == len(boxes) and all(only for _f, only in teams))
        return out

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
        from .models import Contact

        return bool(self.s.scalar(sa.select(sa.func.count()).select_from(Contact).where(
            Contact.tenant_id == self.t, Contact.id == uuid.UUID(str(contact_id)),
            self.visible_contacts())))

    def story(self, story: Story | None) -> Story | None:
        """The story as this viewer may see it (None: nothing they may see)."""
        if story is None:
            return None
        card = story.contact
        if card is not None and not self.sees_contact(card.id):
            return None
        found = story.commitments.ours + story.commitments.theirs
        closed = story.commitments.recently_closed
        ids = [t.id for t in story.timeline.items] + [c.interaction_id for c in found]
        ids += [c.interaction_id for c in closed] + [
            c.closed_by.interaction_id for c in closed if c.closed_by]
        ids += [s.interaction_id for s in story.signals]
        ids += _evidence_sources(card.evidence if card else {})
        people = story.stakeholders
        ids += [m.interaction_id for m in people.mentioned] if people else []
        levels = self.levels(i for i in ids if i)
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
            team_threads=self._team_threads(story.team_threads),
            deals=self._courts(story.deals, levels),
            stakeholders=self._stakeholders(people, levels) if people else None,
        )

    def _courts(self, deals: list[DealItem], levels: dict[str, str]) -> list[DealItem]:
        """The deals, a ball's reason that quotes a promise from mail the viewer may not see
        told without it (whose court it is stays: it is the account's)."""
        cited = {uuid.UUID(d.ball_commitment_id) for d in deals if d.ball_commitment_id}
        if not cited:
            return deals
        sources = {str(cid): str(iid) if iid else None for cid, iid in self.s.execute(
            sa.select(Commitment.id, Commitment.interaction_id).where(
                Commitment.tenant_id == self.t, Commitment.id.in_(cited)))}
        known = self.levels(i for i in sources.values() if i and i not in levels)
        out = []
        for d in deals:
            source = sources.get(d.ball_commitment_id or "")
            if d.ball_commitment_id and source and RANK[
                    {**levels, **known}.get(source, "hidden")] < RANK["subject"]:
                d = replace(d, ball_reason=unseen(Court(d.ball_in_court, d.ball_reason)),
                            ball_commitment_id=None)
            out.append(d)
        return out

    def _stakeholders(self, people: Stakeholders, levels: dict[str, str]) -> Stakeholders:
        """The account's people the viewer may see (a contact known only from others'
        private mail is not there), mentions only from mail they may see the subject of,
        their words only from mail they may read; a name the mail itself gives stays when
        the contact it links to does not."""
        from .models import Contact

        ids = {uuid.UUID(p.contact_id) for p in people.engaged if p.contact_id}
        ids |= {uuid.UUID(m.contact_id) for m in people.mentioned if m.contact_id}
        seen = {str(i) for i in self.s.scalars(sa.select(Contact.id).where(
            Contact.tenant_id == self.t, Contact.id.in_(ids), self.visible_contacts()))} \
            if ids else set()
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

    def _team_threads(self, threads: list[FunctionThreads]) -> list[FunctionThreads]:
        """The open threads per function the viewer may see: none of a function whose team
        mailboxes are all function-only (unless it is theirs), no subject under ``metadata``."""
        if not threads:
            return threads
        restricted: dict[str, bool] = {}
        for function, only in self.s.execute(sa.select(User.function, User.function_only).where(
                User.tenant_id == self.t, User.team_mailbox.is_(True))):
            if function:
                restricted[function] = restricted.get(function, True) and bool(only)
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
