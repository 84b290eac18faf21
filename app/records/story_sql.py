"""The story's SQL, built once at import.

Every statement is a Core select over the tables (not the ORM entities) with named bind
parameters, so a story executes cached, already-compiled SQL and reads plain rows: no
statement construction, no ORM entity loading, no ``uuid.UUID`` objects for ids that only
end up as text. Parameters: ``t`` (the tenant, on every statement), ``family`` (contact ids),
``acc`` (an account id), ``ids`` (interaction or deal ids), and the ones named per statement.
Ids are bound and read as canonical text (``UuidText`` / ``ID``).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import TypeDecorator

from .models import (
    OPEN_STAGES,
    Account,
    AccountDomain,
    Commitment,
    Contact,
    ContactAddress,
    Deal,
    DealStageChange,
    Interaction,
    InteractionMailbox,
    Mention,
    Participant,
    Relationship,
    Signal,
    ThreadMark,
    User,
)
from .models.base import UTCDateTime


class _IdResult(TypeDecorator[str]):
    """An id read as its canonical text: SQLite's 32-digit hex is dashed directly (no
    ``uuid.UUID`` round trip); text from PostgreSQL's cast is kept as it is."""

    impl = sa.String
    cache_ok = True

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> str | None:
        if value is None:
            return None
        if type(value) is str and len(value) == 32:
            v = value.lower()
            return f"{v[:8]}-{v[8:12]}-{v[12:16]}-{v[16:20]}-{v[20:]}"
        return str(value)


class _AsText(sa.sql.functions.GenericFunction[str]):
    """A UUID column read as text: PostgreSQL sends ``CAST(id AS TEXT)``, so the driver
    makes no ``uuid.UUID`` for an id that only ends up as text; SQLite's is text already."""

    type = _IdResult()
    name = "storyline_as_text"
    inherit_cache = True


@compiles(_AsText)
def _as_text(element: _AsText, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS TEXT)"


@compiles(_AsText, "sqlite")
def _as_text_sqlite(element: _AsText, compiler: SQLCompiler, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


class UuidText(_IdResult):
    """Reads a UUID column as its canonical text (:class:`_IdResult`); on PostgreSQL it is
    cast to text (:class:`_AsText`) where it is a column of the statement's result."""

    cache_ok = True

    def column_expression(self, colexpr: Any) -> Any:
        return _AsText(colexpr)


ID = sa.Uuid(as_uuid=False)  # binds an id given as text (dashed or not)
ca, co, ac, ad = (ContactAddress.__table__, Contact.__table__, Account.__table__,
                  AccountDomain.__table__)
it, pa, rel, us = (Interaction.__table__, Participant.__table__, Relationship.__table__,
                   User.__table__)
cm, sg, dl, dh = (Commitment.__table__, Signal.__table__, Deal.__table__,
                  DealStageChange.__table__)
im = InteractionMailbox.__table__
mn = Mention.__table__
tm = ThreadMark.__table__
T = sa.bindparam("t", type_=sa.Uuid())


def _text(column: Any) -> Any:
    return sa.type_coerce(column, UuidText()).label(column.name)


class InIds(sa.ColumnElement[bool]):
    """``column`` is one of the ids bound as a list under ``name``.

    On PostgreSQL ``column = ANY(CAST(:name AS UUID[]))``: one array parameter, so the
    statement's text is the same for any number of ids, and psycopg can prepare it (it
    prepares a text after five executions on a connection) and PostgreSQL keep its parsed
    and planned form. Elsewhere (SQLite) ``column IN (:name_1, ...)``, an expanding bind."""

    __visit_name__ = "storyline_in_ids"
    type = sa.Boolean()
    inherit_cache = False
    _is_implicitly_boolean = True  # a condition as it is, not ``(...) = 1`` on SQLite
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement),
                           ("name", InternalTraversal.dp_string)]

    def __init__(self, column: Any, name: str) -> None:
        self.column, self.name = column, name

    @property
    def _from_objects(self) -> list[Any]:
        return list(self.column._from_objects)


@compiles(InIds)
def _in_ids(element: InIds, compiler: SQLCompiler, **kw: Any) -> str:
    return str(compiler.process(
        element.column.in_(sa.bindparam(element.name, expanding=True, type_=ID)), **kw))


@compiles(InIds, "postgresql")
def _in_ids_pg(element: InIds, compiler: SQLCompiler, **kw: Any) -> str:
    return str(compiler.process(
        element.column == sa.any_(sa.bindparam(element.name, type_=postgresql.ARRAY(ID))),
        **kw))


def in_ids(column: Any, name: str) -> InIds:
    """``column`` is one of the ids of the list parameter ``name`` (:class:`InIds`)."""
    return InIds(column, name)


ACC = sa.bindparam("acc", type_=ID)

# -- the contact, its account (with its domains), whether it has merged contacts or
# look-alikes, and its addresses: one row per (address, domain) pair, addresses in card order
# (primary first) and, within the first address, the domains in order --
_merged, _alike, _own, _dom = co.alias("merged"), co.alias("alike"), ca.alias("own"), \
    ad.alias("dom")
_contact_cols = (
    _text(co.c.id), co.c.display_name, co.c.title, co.c.phone, co.c.company,
    _text(co.c.account_id), _text(co.c.merged_into), co.c.interaction_count,
    co.c.last_activity_at, co.c.evidence, co.c.name_key,
    ac.c.name.label("account_name"), ac.c.interaction_count.label("account_interactions"),
    ac.c.last_activity_at.label("account_last_activity_at"),
    sa.exists().where(_merged.c.tenant_id == co.c.tenant_id,
                      _merged.c.merged_into == co.c.id).label("has_merged"),
    sa.exists().where(_alike.c.tenant_id == co.c.tenant_id,
                      _alike.c.account_id == co.c.account_id,
                      _alike.c.name_key == co.c.name_key, _alike.c.id != co.c.id,
                      _alike.c.merged_into.is_(None)).label("has_alike"),
    _own.c.address, _dom.c.domain,
)


def _contact_card(contacts: Any) -> Any:
    return contacts.outerjoin(ac, sa.and_(ac.c.tenant_id == co.c.tenant_id,
                                          ac.c.id == co.c.account_id)) \
        .outerjoin(_own, sa.and_(_own.c.tenant_id == co.c.tenant_id,
                                 _own.c.contact_id == co.c.id)) \
        .outerjoin(_dom, sa.and_(_dom.c.tenant_id == ac.c.tenant_id,
                                 _dom.c.account_id == ac.c.id))


_card_order = (_own.c.is_primary.desc(), _own.c.address, _dom.c.domain)
CONTACT_BY_ADDRESS = (
    sa.select(*_contact_cols)
    .select_from(_contact_card(ca.join(co, sa.and_(co.c.tenant_id == ca.c.tenant_id,
                                                   co.c.id == ca.c.contact_id))))
    .where(ca.c.tenant_id == T, ca.c.address == sa.bindparam("address"))
    .order_by(*_card_order)
)
CONTACT_BY_ID = (
    sa.select(*_contact_cols).select_from(_contact_card(co))
    .where(co.c.tenant_id == T, co.c.id == sa.bindparam("id", type_=ID))
    .order_by(*_card_order)
)
# An account by one of its domains, one row per domain of the account (in order).
ACCOUNT_BY_DOMAIN = (
    sa.select(_text(ac.c.id), ac.c.name, ac.c.interaction_count, ac.c.last_activity_at,
              _dom.c.domain)
    .select_from(ad.join(ac, sa.and_(ac.c.tenant_id == ad.c.tenant_id,
                                     ac.c.id == ad.c.account_id))
                 .outerjoin(_dom, sa.and_(_dom.c.tenant_id == ac.c.tenant_id,
                                          _dom.c.account_id == ac.c.id)))
    .where(ad.c.tenant_id == T, ad.c.domain == sa.bindparam("domain"))
    .order_by(_dom.c.domain)
)
ADDRESSES = (
    sa.select(_text(ca.c.contact_id), ca.c.address)
    .where(ca.c.tenant_id == T, in_ids(ca.c.contact_id, "family"))
    .order_by(ca.c.is_primary.desc(), ca.c.address)
)
# Same statement shape as merges.merge_suggestions (no ORDER BY: the index's order).
ALIKE = sa.select(
    _text(co.c.id), co.c.display_name, co.c.title, co.c.phone, co.c.company,
    _text(co.c.account_id), _text(co.c.merged_into), co.c.interaction_count,
    co.c.last_activity_at, co.c.evidence,
).where(co.c.tenant_id == T, co.c.account_id == ACC,
        co.c.name_key == sa.bindparam("name_key"), co.c.id != sa.bindparam("id", type_=ID),
        co.c.merged_into.is_(None)).limit(10)

# -- commitments (a team mailbox's are its function's), signals --
_owner_team = us.alias("owner_team")
_commitments = sa.select(
    _text(cm.c.id), cm.c.kind, cm.c.side, cm.c.action, cm.c.text, cm.c.evidence_start,
    cm.c.evidence_end, cm.c.due_on, cm.c.status, cm.c.snoozed_until, _text(cm.c.interaction_id),
    cm.c.created_at, it.c.subject, _owner_team.c.function.label("owner_function"),
    cm.c.confidence, cm.c.shown, it.c.occurred_at.label("made_at"),
).select_from(cm.outerjoin(it, sa.and_(it.c.tenant_id == cm.c.tenant_id,
                                       it.c.id == cm.c.interaction_id))
              .outerjoin(_owner_team, sa.and_(_owner_team.c.tenant_id == cm.c.tenant_id,
                                              _owner_team.c.id == cm.c.owner_user_id,
                                              _owner_team.c.team_mailbox.is_(True))))
_commitments_order = (cm.c.due_on.is_(None), cm.c.due_on, cm.c.created_at)


def _open_commitments(scope: Any) -> sa.Select[Any]:
    return _commitments.where(
        cm.c.tenant_id == T, cm.c.status == "open", scope,
        sa.or_(it.c.deleted_at.is_(None), it.c.id.is_(None)),
    ).order_by(*_commitments_order).limit(100)


COMMITMENTS = {"family": _open_commitments(in_ids(cm.c.contact_id, "family")),
               "account": _open_commitments(cm.c.account_id == ACC)}
# -- commitments a later mail or meeting closed (auto-close) since ``since``, newest first,
# with the closing interaction's subject and date --
_closer = it.alias("closer")
_closed = sa.select(
    *_commitments.selected_columns, _text(cm.c.closed_by_interaction_id), cm.c.closed_evidence,
    cm.c.closed_how, cm.c.completed_at, _closer.c.subject.label("closed_subject"),
    _closer.c.occurred_at.label("closed_at"),
).select_from(
    cm.outerjoin(it, sa.and_(it.c.tenant_id == cm.c.tenant_id, it.c.id == cm.c.interaction_id))
    .outerjoin(_owner_team, sa.and_(_owner_team.c.tenant_id == cm.c.tenant_id,
                                    _owner_team.c.id == cm.c.owner_user_id,
                                    _owner_team.c.team_mailbox.is_(True)))
    .outerjoin(_closer, sa.and_(_closer.c.tenant_id == cm.c.tenant_id,
                                _closer.c.id == cm.c.closed_by_interaction_id)))


def _recently_closed(scope: Any) -> sa.Select[Any]:
    return _closed.where(
        cm.c.tenant_id == T, cm.c.status == "done", cm.c.closed_how == "auto", scope,
        cm.c.shown.is_(True),
        cm.c.completed_at >= sa.bindparam("closed_since", type_=UTCDateTime()),
        sa.or_(it.c.deleted_at.is_(None), it.c.id.is_(None)),
    ).order_by(cm.c.completed_at.desc()).limit(20)


CLOSED_COMMITMENTS = {"family": _recently_closed(in_ids(cm.c.contact_id, "family")),
                      "account": _recently_closed(cm.c.account_id == ACC)}
_signals = sa.select(
    _text(sg.c.id), sg.c.kind, sg.c.value, sg.c.text, sg.c.evidence_start, sg.c.evidence_end,
    sg.c.confidence, sg.c.occurred_at, _text(sg.c.interaction_id), sg.c.shown,
)
# Shown signals first, then risk, competitor and budget, then the newest: a competitor named
# months ago is not pushed out by this week's pricing talk. One more than SIGNAL_LIMIT is read
# to know whether there are more.
SIGNAL_LIMIT = 50
SIGNAL_FIRST = ("risk", "competitor", "budget")
_signal_rank = sa.case({k: n for n, k in enumerate(SIGNAL_FIRST)}, value=sg.c.kind,
                       else_=len(SIGNAL_FIRST))
SIGNALS = {
    scope: _signals.where(sg.c.tenant_id == T, cond)
    .order_by(sg.c.shown.desc(), _signal_rank, sg.c.occurred_at.desc(), sg.c.id)
    .limit(SIGNAL_LIMIT + 1)
    for scope, cond in (("family", in_ids(sg.c.contact_id, "family")),
                        ("account", sg.c.account_id == ACC))
}

# -- the newest interactions (a window of the participants index, then those interactions) --
WINDOW = sa.bindparam("window", type_=sa.Integer)
_live = sa.case((sa.and_(it.c.id.is_not(None), it.c.deleted_at.is_(None)), 1), else_=0)
_newest = (
    sa.select(pa.c.interaction_id, pa.c.occurred_at)
    .where(pa.c.tenant_id == T, in_ids(pa.c.contact_id, "family")).distinct()
    .order_by(pa.c.occurred_at.desc(), pa.c.interaction_id.desc()).limit(WINDOW)
    .subquery("newest")
)
RECENT = {
    "family": sa.select(sa.type_coerce(_newest.c.interaction_id, UuidText()).label("id"),
                        it.c.occurred_at, it.c.direction,
                        it.c.thread_id, _live.label("live"))
    .select_from(_newest.outerjoin(it, sa.and_(it.c.tenant_id == T,
                                               it.c.id == _newest.c.interaction_id)))
    .order_by(_newest.c.occurred_at.desc(), _newest.c.interaction_id.desc()),
    "account": sa.select(_text(it.c.id), it.c.occurred_at, it.c.direction, it.c.thread_id,
                         _live.label("live"))
    .where(it.c.tenant_id == T, it.c.account_id == ACC)
    .order_by(it.c.occurred_at.desc(), it.c.id.desc()).limit(WINDOW),
}
# A timeline page and our people on it in one round trip: the page's interactions (part 0),
# then (part 1) each (interaction, seller's name) pair, in the order the participants index
# gives them, as the team-names query alone would, then (part 2) the functions of the team
# mailboxes that hold them (support, finance ...).
TIMELINE = sa.union_all(
    sa.select(sa.literal(0).label("part"), _text(it.c.id), it.c.kind, it.c.direction,
              it.c.subject, it.c.snippet, it.c.occurred_at, it.c.ends_at, it.c.thread_id,
              it.c.from_address, it.c.cancelled, sa.null().label("seller"))
    .where(it.c.tenant_id == T, in_ids(it.c.id, "ids")),
    sa.select(sa.literal(1), _text(pa.c.interaction_id), *[sa.null()] * 9, us.c.display_name)
    .select_from(pa.join(us, sa.and_(us.c.tenant_id == pa.c.tenant_id,
                                     us.c.id == pa.c.user_id)))
    .where(pa.c.tenant_id == T, in_ids(pa.c.interaction_id, "ids"), us.c.team_mailbox.is_(False)),
    sa.select(sa.literal(2), _text(im.c.interaction_id), *[sa.null()] * 9, us.c.function)
    .select_from(im.join(us, sa.and_(us.c.tenant_id == im.c.tenant_id,
                                     us.c.id == im.c.user_id)))
    .where(im.c.tenant_id == T, in_ids(im.c.interaction_id, "ids"), us.c.team_mailbox.is_(True)),
)

# -- deals (owner's name per row), their stage history --
_owner = sa.select(us.c.display_name).where(
    us.c.tenant_id == dl.c.tenant_id, us.c.id == dl.c.owner_user_id).scalar_subquery()
DEALS = sa.select(
    _text(dl.c.id), dl.c.name, dl.c.stage, dl.c.amount, dl.c.currency, dl.c.close_date,
    dl.c.stage_changed_at, _owner.label("owner"), dl.c.created_at,
).where(dl.c.tenant_id == T, dl.c.account_id == ACC).order_by(
    dl.c.stage.in_(OPEN_STAGES).desc(), dl.c.created_at.desc())
HISTORY = sa.select(
    _text(dh.c.deal_id), dh.c.from_stage, dh.c.to_stage, dh.c.changed_at,
).where(dh.c.tenant_id == T, in_ids(dh.c.deal_id, "ids")).order_by(dh.c.changed_at)


# -- health: relationship rollups, interaction counts, the account's last in/out, in one row --
def _last(direction: str) -> Any:
    return sa.select(it.c.occurred_at).where(
        it.c.tenant_id == T, it.c.account_id == ACC, it.c.direction == direction,
        it.c.deleted_at.is_(None),
    ).order_by(it.c.occurred_at.desc()).limit(1).scalar_subquery()


def _counts(ids: Any) -> Any:
    at = ids.c.occurred_at
    since_30 = sa.bindparam("since_30", type_=UTCDateTime())
    return sa.select(
        sa.func.count().filter(at >= since_30).label("recent"),
        sa.func.count().filter(at < since_30).label("prior"),
    ).select_from(ids).where(at >= sa.bindparam("since_90", type_=UTCDateTime()),
                              at <= sa.bindparam("now", type_=UTCDateTime())) \
        .subquery("counts")


_rollup = sa.select(
    sa.func.max(rel.c.last_inbound_at).label("last_in"),
    sa.func.max(rel.c.last_outbound_at).label("last_out"),
    sa.func.coalesce(sa.func.sum(rel.c.inbound), 0).label("inbound"),
    sa.func.coalesce(sa.func.sum(rel.c.outbound), 0).label("outbound"),
).where(rel.c.tenant_id == T, in_ids(rel.c.contact_id, "family")).subquery("rollup")
_family_counts = _counts(
    sa.select(pa.c.interaction_id, pa.c.occurred_at)
    .where(pa.c.tenant_id == T, in_ids(pa.c.contact_id, "family")).distinct().subquery("live_ids"))
_account_counts = _counts(
    sa.select(it.c.id, it.c.occurred_at)
    .where(it.c.tenant_id == T, it.c.account_id == ACC).subquery("live_ids"))
_family_health = sa.select(*_rollup.c, *_family_counts.c).select_from(
    _rollup.join(_family_counts, sa.true()))
# Rows: last_in, last_out, inbound, outbound, recent, prior[, account_last_in, account_last_out]
# (an account-only story counts one each way: it has no per-person rollup)
HEALTH = {
    "family": _family_health,
    "family+last": _family_health.add_columns(_last("inbound").label("account_last_in"),
                                              _last("outbound").label("account_last_out")),
    "account": sa.select(_last("inbound").label("last_in"), _last("outbound").label("last_out"),
                         sa.literal(1).label("inbound"), sa.literal(1).label("outbound"),
                         *_account_counts.c).select_from(_account_counts),
}
TEAM = (
    sa.select(_text(us.c.id).label("user_id"), us.c.display_name, us.c.email,
              sa.func.sum(rel.c.interactions).label("interactions"),
              sa.func.max(rel.c.last_at).label("last_at"))
    .select_from(us.join(rel, sa.and_(rel.c.tenant_id == us.c.tenant_id,
                                      rel.c.user_id == us.c.id)))
    .where(rel.c.tenant_id == T, in_ids(rel.c.contact_id, "family"), us.c.team_mailbox.is_(False))
    .group_by(us.c.tenant_id, us.c.id)
    .order_by(sa.func.sum(rel.c.interactions).desc(), sa.func.max(rel.c.last_at).desc())
)


# -- the team mailboxes' threads with the account (or the person): newest message first, from
# which each thread's last word (waiting on us / on them) is read per function --
_team_box = us.alias("team_box")
_team_threads = (
    sa.select(_team_box.c.function, it.c.thread_id, _text(it.c.id), it.c.subject,
              it.c.direction, it.c.occurred_at)
    .select_from(im.join(_team_box, sa.and_(_team_box.c.tenant_id == im.c.tenant_id,
                                            _team_box.c.id == im.c.user_id,
                                            _team_box.c.team_mailbox.is_(True)))
                 .join(it, sa.and_(it.c.tenant_id == im.c.tenant_id,
                                   it.c.id == im.c.interaction_id)))
)


def _team_threads_of(scope: Any) -> Any:
    return _team_threads.where(
        im.c.tenant_id == T, it.c.deleted_at.is_(None), it.c.kind == "email", scope,
        it.c.occurred_at >= sa.bindparam("threads_since", type_=UTCDateTime()),
    ).order_by(it.c.occurred_at.desc()).limit(500)


TEAM_THREADS = {
    "account": _team_threads_of(it.c.account_id == ACC),
    "family": _team_threads_of(it.c.id.in_(
        sa.select(pa.c.interaction_id)
        .where(pa.c.tenant_id == T, in_ids(pa.c.contact_id, "family")))),
}


# -- stakeholders: the account's people (merged ones too, folded into their survivor), the
# emails and meetings each had with us in 90 days (private mail and private threads count
# nowhere), and the decision-maker signals that may name them --
_touch = sa.or_(
    sa.and_(it.c.kind == "email", pa.c.role == "from", it.c.direction == "inbound"),
    sa.and_(it.c.kind == "email", pa.c.role.in_(("to", "cc")), it.c.direction == "outbound"),
    sa.and_(it.c.kind == "meeting", it.c.cancelled.is_(False)),
)
_private_thread = sa.exists().where(tm.c.tenant_id == it.c.tenant_id,
                                    tm.c.thread_id == it.c.thread_id, tm.c.mark == "private")
_primary = sa.select(ca.c.address).where(
    ca.c.tenant_id == co.c.tenant_id, ca.c.contact_id == co.c.id,
).order_by(ca.c.is_primary.desc(), ca.c.address).limit(1).scalar_subquery()
ACCOUNT_PEOPLE = sa.select(
    _text(co.c.id), _text(co.c.merged_into), co.c.display_name, co.c.title,
    _primary.label("address"),
).where(co.c.tenant_id == T, co.c.account_id == ACC).order_by(co.c.id).limit(1000)
# per (contact, address): the account's contacts, and people at the account we keep no
# contact for (the contact policy records none from mail they only sent us)
ENGAGED = (
    sa.select(
        _text(pa.c.contact_id), pa.c.address, sa.func.max(pa.c.name).label("name"),
        sa.func.count(sa.distinct(sa.case((pa.c.role == "from", it.c.id)))).label("sent"),
        sa.func.count(sa.distinct(sa.case((sa.and_(it.c.kind == "email",
                                                   pa.c.role != "from"), it.c.id))))
        .label("received"),
        sa.func.count(sa.distinct(sa.case((it.c.kind == "meeting", it.c.id)))).label("meetings"),
        sa.func.max(pa.c.occurred_at).label("last_at"),
    )
    .select_from(pa.join(it, sa.and_(it.c.tenant_id == pa.c.tenant_id,
                                     it.c.id == pa.c.interaction_id))
                 .outerjoin(co, sa.and_(co.c.tenant_id == pa.c.tenant_id,
                                        co.c.id == pa.c.contact_id)))
    # driven by the account's interactions index (tenant, account, time): one account's
    # 90 days, not every participant of the tenant
    .where(it.c.tenant_id == T, it.c.account_id == ACC,
           it.c.occurred_at >= sa.bindparam("since", type_=UTCDateTime()),
           it.c.occurred_at <= sa.bindparam("now", type_=UTCDateTime()),
           sa.or_(co.c.account_id == ACC,
                  sa.and_(pa.c.contact_id.is_(None), pa.c.user_id.is_(None))),
           it.c.deleted_at.is_(None), it.c.private.is_(False), ~_private_thread, _touch)
    .group_by(pa.c.contact_id, pa.c.address)
    .limit(500)
)
MENTIONS = _signals.where(sg.c.tenant_id == T, sg.c.account_id == ACC,
                          sg.c.kind == "decision_maker", sg.c.shown.is_(True)) \
    .order_by(sg.c.occurred_at.desc(), sg.c.evidence_start).limit(50)
# people the account's mail named with a role in 90 days, newest first: driven by the
# mentions' account index (tenant, account, time); mail that left every mailbox is not read
NAMED = (
    sa.select(mn.c.name, mn.c.role, _text(mn.c.contact_id), _text(mn.c.interaction_id),
              mn.c.occurred_at)
    .select_from(mn.join(it, sa.and_(it.c.tenant_id == mn.c.tenant_id,
                                     it.c.id == mn.c.interaction_id)))
    .where(mn.c.tenant_id == T, mn.c.account_id == ACC,
           mn.c.occurred_at >= sa.bindparam("since", type_=UTCDateTime()),
           it.c.deleted_at.is_(None))
    .order_by(mn.c.occurred_at.desc(), mn.c.evidence_start).limit(100)
)


# -- several of the above in one round trip --
def null_of(type_: Any) -> Any:
    """A NULL of ``type_`` that PostgreSQL can match in a UNION: two untyped NULLs become
    text there, which no uuid or timestamp matches (an id read as text is a uuid's NULL)."""
    return sa.type_coerce(sa.cast(sa.null(), sa.Uuid() if isinstance(type_, UuidText)
                                  else type_), type_)


class Bundle:
    """Several selects read in one round trip: a ``UNION ALL`` of them, each wrapped as a
    subquery (its own ORDER BY, LIMIT, DISTINCT or GROUP BY kept), numbered in the order it
    gives its rows and sorted back into that order. The parts' columns share slots of the
    same type (a slot's type decides how its values are read, so a timestamp is read as a
    timestamp whichever part it came from), and :meth:`read` gives each part's rows back
    under the part's own column names, as its select alone would."""

    def __init__(self, parts: dict[str, sa.Select[Any]]) -> None:
        slots: list[Any] = []
        layout: list[list[int]] = []
        for sel in parts.values():
            used: list[int] = []
            for col in sel.selected_columns:
                slot = next((i for i, t in enumerate(slots)
                             if i not in used and type(t) is type(col.type)), None)
                if slot is None:
                    slots.append(col.type)
                    slot = len(slots) - 1
                used.append(slot)
            layout.append(used)
        branches = []
        for n, (sel, used) in enumerate(zip(parts.values(), layout, strict=True)):
            sub = list(sel.subquery(f"part{n}").c)
            at = {slot: sub[i] for i, slot in enumerate(used)}
            branches.append(sa.select(
                sa.literal_column(str(n), sa.Integer).label("part"),
                sa.func.row_number().over().label("n"),
                *[sa.type_coerce(at[i], t).label(f"s{i}") if i in at else
                  null_of(t).label(f"s{i}") for i, t in enumerate(slots)]))
        union = sa.union_all(*branches)
        self.statement = union.order_by(union.selected_columns.part,
                                        union.selected_columns.n)
        self.names, self.parts = list(parts), list(parts.values())
        self.slots, self.layout = slots, layout
        self._kinds: list[Any] = [
            namedtuple("Part", [c.name for c in sel.selected_columns])  # type: ignore[misc]
            for sel in parts.values()]
        self._readers: dict[Any, list[Callable[..., Any]]] = {}

    def _reader(self, dialect: sa.Dialect, description: Any) -> list[Callable[..., Any]]:
        """Per part, a function making one of its rows from a row of the driver: the part's
        own slots only, each through its type's result processor (as SQLAlchemy would run
        it), not the other parts' NULL slots too."""
        key = (dialect.name, tuple(d[1] for d in description))
        found = self._readers.get(key)
        if found is not None:
            return found
        procs = [t._cached_result_processor(dialect, description[2 + i][1])
                 for i, t in enumerate(self.slots)]
        if dialect.name == "postgresql":  # ids are cast to text in PostgreSQL already
            procs = [None if isinstance(t, _IdResult) else p
                     for t, p in zip(self.slots, procs, strict=True)]
        readers: list[Callable[..., Any]] = []
        for kind, used in zip(self._kinds, self.layout, strict=True):
            cols = [(2 + i, procs[i]) for i in used]
            make = kind._make

            def read(row: Any, cols: list[tuple[int, Any]] = cols, make: Any = make) -> Any:
                return make([row[i] if p is None or row[i] is None else p(row[i])
                             for i, p in cols])
            readers.append(read)
        self._readers[key] = readers
        return readers

    def read(self, conn: sa.Connection, params: dict[str, Any]) -> dict[str, list[Any]]:
        """Each part's rows, in its order, by part name."""
        out: list[list[Any]] = [[] for _ in self.names]
        result = conn.execute(self.statement, params)
        cursor = result.cursor  # the driver's rows: only the parts' own slots are converted
        try:
            readers = self._reader(conn.dialect, cursor.description)
            for row in cursor.fetchall():
                out[row[0]].append(readers[row[0]](row))
        finally:
            result.close()
        return dict(zip(self.names, out, strict=True))
