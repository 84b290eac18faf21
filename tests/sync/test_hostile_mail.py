"""Hostile mail through the real sync path (msal + msgraph-sdk against the Graph stand-in,
extraction included) on SQLite and PostgreSQL: every ordinary message after a hostile one is
recorded, and each hostile one is stored with its text made safe or reported with a reason."""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from app.db import Database
from app.dev.sample.cast import TENANT_ID
from app.dev.standin.server import RunningStandIn
from app.dev.standin.testing import control, running_standin
from app.extract.pipeline import Extractor
from app.records.models import Interaction, Participant
from app.records.tenants import ensure_user
from app.sync.extraction import batch_extractor
from app.sync.rounds import SyncReport, sync_mailboxes
from app.sync.status import sync_status
from tests.sync.hostile_mail import SELLER_DOMAIN, corpus, ordinary
from tests.sync.standin_world import fresh_record, graph_for

NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
SELLER = f"hostile.seller@{SELLER_DOMAIN}"
SELLER_OID = uuid.UUID("7e1b0c4a-5d6e-4f70-8a9b-0c1d2e3f4a5b")
UNSAFE = ("\x00", "\ud800", "\udcff", "\udc80", "\x1b", "\x07", "\x01", "\x7f", "\ufffe")


@pytest.fixture(scope="module")
def standin() -> Iterator[RunningStandIn]:
    """The stand-in with one extra mailbox holding the hostile corpus among ordinary mail."""
    with running_standin(now=NOW) as running:
        store = running.state.store
        box = store.add_mailbox(SELLER, str(SELLER_OID), "Hostile Seller")
        normal = list(ordinary(40))
        for i, hostile in enumerate(corpus()):
            store.put(box, "inbox", dict(hostile.resource))
            store.put(box, "inbox", normal[i])
        for rest in normal[len(corpus()):]:
            store.put(box, "inbox", rest)
        yield running


@pytest.fixture(scope="module")
def extract() -> object:
    """Page extraction on the blank pipeline plus rules (dates, promises, signatures)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return batch_extractor(Extractor.from_settings(None))


@pytest.fixture
def synced(standin: RunningStandIn, db_url: str, extract: object
           ) -> Iterator[tuple[Database, SyncReport]]:
    """The hostile mailbox synced into an empty record (mail from anyone counts)."""
    control(standin, "DELETE", "/faults")
    db = fresh_record(db_url, contact_policy="sent_and_received")
    with db.session() as s:
        user = ensure_user(s, tenant_id=TENANT_ID, email=SELLER, display_name="Hostile Seller",
                           oid=SELLER_OID, time_zone="Pacific/Kiritimati")
        user_id = user.id
    report = sync_mailboxes(db, graph_for(standin, page_size=7), tenant_id=TENANT_ID,
                            user_ids=[user_id], extract=extract)  # type: ignore[arg-type]
    yield db, report
    db.dispose()


def _keys(db: Database) -> set[str]:
    with db.sessionmaker() as s:
        return set(s.scalars(sa.select(Interaction.external_key)))


def test_every_ordinary_message_after_a_hostile_one_is_recorded(
        synced: tuple[Database, SyncReport]) -> None:
    db, report = synced
    assert not report.errors
    keys = _keys(db)
    assert {f"<ordinary-{i}@buyer.example>" for i in range(40)} <= keys


def test_each_hostile_message_is_stored_safely_or_reported(
        synced: tuple[Database, SyncReport]) -> None:
    db, report = synced
    hostile = corpus()
    stored = [h for h in hostile if h.expect == "stored"]
    reported = [h for h in hostile if h.expect == "reported"]
    with db.sessionmaker() as s:
        rows = s.scalars(sa.select(Interaction).where(
            Interaction.external_key.not_like("<ordinary-%"))).all()
        people = s.scalars(sa.select(Participant)).all()
    assert len(rows) == len(stored)
    assert report.skipped + report.set_aside >= len(reported)
    for row in rows:
        for text in (row.subject, row.external_key, row.thread_id or "", row.body_text or "",
                     row.snippet):
            assert not any(c in text for c in UNSAFE), row.external_key[:40]
        assert len(row.external_key) <= 400 and len(row.subject) <= 400
    for p in people:
        assert not any(c in p.name + p.address for c in UNSAFE)
    subjects = {r.subject for r in rows}
    assert "Quote for Q3" in subjects and "Renewal  terms" in subjects
    assert "Line one Bcc: x@y.z" in subjects  # one line, no header injected


def test_the_edge_dates_keep_their_day_and_no_due_date_past_the_calendar(
        synced: tuple[Database, SyncReport]) -> None:
    db, _ = synced
    with db.sessionmaker() as s:
        years = set(s.scalars(sa.select(Interaction.occurred_at).where(
            Interaction.external_key.in_(["<year-9999@buyer.example>",
                                          "<year-0001@buyer.example>"]))))
    assert {d.year for d in years} == {1, 9999}


def test_a_second_round_finds_nothing_new_and_the_status_is_current(
        synced: tuple[Database, SyncReport], standin: RunningStandIn, extract: object) -> None:
    db, first = synced
    with db.sessionmaker() as s:
        user_id = s.scalar(sa.text("SELECT id FROM users WHERE email = :e"), {"e": SELLER})
        status = sync_status(s, tenant_id=TENANT_ID, user_id=uuid.UUID(str(user_id)))
    assert status[0]["folders"][1]["folder"] == "inbox"
    assert status[0]["folders"][1]["state"] == "current"
    again = sync_mailboxes(db, graph_for(standin, page_size=7), tenant_id=TENANT_ID,
                           user_ids=[uuid.UUID(str(user_id))],
                           extract=extract)  # type: ignore[arg-type]
    assert again.stored == 0 and not again.errors
