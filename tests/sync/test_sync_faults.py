"""Faults through the real path (msal + msgraph-sdk against the Graph stand-in), on SQLite and
PostgreSQL: every scenario ends with the record matching a clean sync, message for message
and mailbox link for link - 0 lost, 0 doubled."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.db import Database
from app.dev.sample.cast import SELLERS, TENANT_ID
from app.dev.standin.server import RunningStandIn
from app.dev.standin.testing import control
from app.records.models import Interaction, InteractionMailbox, SyncState
from app.sync.rounds import sync_mailboxes
from app.sync.status import sync_status
from tests.sync.standin_world import (
    NOW,
    Counts,
    counts,
    fresh_record,
    graph_for,
    single_mailbox_inbox_items,
    user_ids,
)

ROOT = Path(__file__).resolve().parents[2]
MAYA = SELLERS[0].email



@pytest.fixture(scope="module")
def clean(standin: RunningStandIn, sqlite_url: str) -> Counts:
    """What a fault-free sync of the sample records (the yardstick)."""
    control(standin, "DELETE", "/faults")
    standin.state.load_sample(now=NOW)
    db = fresh_record(sqlite_url)
    report = sync_mailboxes(db, graph_for(standin), tenant_id=TENANT_ID, user_ids=user_ids(db))
    assert not report.errors and report.stored > 50
    found = counts(db)
    db.dispose()
    return found


@pytest.fixture
def record(db_url: str, clean: Counts) -> Iterator[Database]:
    """An empty record (the sample tenant and sellers) on the database under test."""
    db = fresh_record(db_url)
    yield db
    db.dispose()


def _sync(db: Database, standin: RunningStandIn) -> object:
    return sync_mailboxes(db, graph_for(standin), tenant_id=TENANT_ID, user_ids=user_ids(db))


def test_sent_items_failing_alone_loses_nothing_once_it_recovers(
        fresh: RunningStandIn, record: Database, clean: Counts) -> None:
    # Sent Items throttled past the retry budget for one round; the other folders answer
    control(fresh, "POST", "/faults", json={"throttle": {
        "count": 1000, "retry_after": "0", "folder": "sentitems"}})
    first = _sync(record, fresh)
    assert first.errors and first.deferred  # type: ignore[attr-defined]
    with record.sessionmaker() as s:
        status = sync_status(s, tenant_id=TENANT_ID)
    maya = next(m for m in status if m["mailbox"] == MAYA)
    states = {f["folder"]: f["state"] for f in maya["folders"]}
    assert states["sentitems"] == "failing"
    assert "current" not in (states.get("calendar"), states.get("inbox"))

    control(fresh, "DELETE", "/faults")
    second = _sync(record, fresh)
    assert not second.errors  # type: ignore[attr-defined]
    assert counts(record) == clean


def test_archiving_a_message_keeps_its_history(fresh: RunningStandIn, record: Database,
                                               clean: Counts) -> None:
    _sync(record, fresh)
    (graph_id, key), = single_mailbox_inbox_items(record, MAYA, 1)
    control(fresh, "POST", f"/mailboxes/{MAYA}/items/{graph_id}/move",
            json={"folder": "archive"})
    report = _sync(record, fresh)
    assert report.moved == 1 and report.removed == 0  # type: ignore[attr-defined]
    after = counts(record)
    assert key in after.keys and after.keys == clean.keys and not after.deleted
    with record.sessionmaker() as s:
        folder = s.scalar(sa.select(InteractionMailbox.folder).join(
            Interaction, Interaction.id == InteractionMailbox.interaction_id).where(
            Interaction.external_key == key))
    assert folder == "moved"


def test_messages_deleted_while_the_delta_link_was_gone_leave_after_the_resync(
        fresh: RunningStandIn, record: Database, clean: Counts) -> None:
    _sync(record, fresh)
    victims = list(single_mailbox_inbox_items(record, MAYA, 2))
    for graph_id, _key in victims:
        control(fresh, "DELETE", f"/mailboxes/{MAYA}/items/{graph_id}")
    control(fresh, "POST", "/expire-tokens", json={"mailbox": MAYA})
    report = _sync(record, fresh)
    assert report.restarted and not report.errors  # type: ignore[attr-defined]
    after = counts(record)
    gone = {key for _g, key in victims}
    assert set(after.deleted) == gone
    # everything else is still there, once (reading the folder again may also record mail
    # the first round had to skip, from people it met later in the same phase)
    assert set(clean.keys) - gone <= set(after.keys)
    assert len(after.keys) == len(set(after.keys)) and not gone & set(after.keys)
    again = _sync(record, fresh)  # and a later round changes nothing
    assert counts(record) == after and not again.errors  # type: ignore[attr-defined]


KILLABLE = """
import sys
import sqlalchemy as sa
from app.db import Database
from app.dev.sample.cast import TENANT_ID
from app.records.models import SyncState
from app.sync.rounds import sync_mailboxes
from tests.sync.standin_world import graph_for, user_ids
class Where:  # just the addresses graph_for needs
    graph_url, base_url, ca_path = sys.argv[2], sys.argv[3], sys.argv[4]
db = Database(sys.argv[1])
pages = 0
def tick(_n):
    global pages
    pages += 1
    with db.sessionmaker() as s:  # a round stands between two pages of one folder
        midway = s.scalar(sa.select(sa.func.count()).select_from(SyncState)
                          .where(SyncState.next_link.is_not(None)))
    print("page", pages, "midway" if midway and pages >= 3 else "", flush=True)
sync_mailboxes(db, graph_for(Where, page_size=20), tenant_id=TENANT_ID, user_ids=user_ids(db),
               progress=tick)
print("finished", flush=True)
"""


@pytest.mark.slow
def test_kill_9_mid_backfill_then_resume_matches_a_clean_sync(
        fresh: RunningStandIn, record: Database, clean: Counts) -> None:
    control(fresh, "POST", "/faults", json={"slow": {"seconds": 0.05}})
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-W", "ignore::DeprecationWarning", "-c", KILLABLE,
         record.engine.url.render_as_string(hide_password=False), fresh.graph_url,
         fresh.base_url, str(fresh.ca_path)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    deadline = time.monotonic() + 90
    for line in proc.stdout:
        if "midway" in line or time.monotonic() > deadline:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    proc.stdout.close()
    control(fresh, "DELETE", "/faults")
    with record.sessionmaker() as s:
        midway = s.scalar(sa.select(sa.func.count()).select_from(SyncState)
                          .where(SyncState.next_link.is_not(None)))
    assert counts(record).keys and midway, "the kill should land mid-backfill"
    report = _sync(record, fresh)
    assert not report.errors  # type: ignore[attr-defined]
    assert counts(record) == clean
