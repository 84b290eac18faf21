"""The production path end to end: msal gets a token from the local identity provider,
msgraph-sdk reads the sample mailboxes from the Graph stand-in over https, and sync fills
the record. Faults are injected through the stand-in's control endpoints."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.db import Database
from app.dev.sample.cast import INTERNAL_DOMAIN, SELLERS, TENANT_ID, TENANT_NAME
from app.dev.standin.server import RunningStandIn
from app.dev.standin.testing import control
from app.graph.config import GraphConfig
from app.graph.credentials import GraphAuth
from app.graph.service import Graph
from app.records.models import Base, Interaction, SyncState, User
from app.records.tenants import ensure_tenant, ensure_user
from app.settings import Secret
from app.sync.rounds import SyncOptions, sync_mailboxes
from tests.sync.standin_world import NOW

ROOT = Path(__file__).resolve().parents[2]
NO_EXTRACT = SyncOptions()
MAILBOXES = (SELLERS[0].email, SELLERS[1].email)



def graph_for(standin: RunningStandIn, **overrides: object) -> Graph:
    """Graph access to the stand-in through msal and msgraph-sdk."""
    config = GraphConfig(base_url=standin.graph_url, authority_host=standin.base_url,
                         client_id="storyline-sync", client_secret=Secret("s3cret"),
                         verify=str(standin.ca_path), max_retry_after=0.2)
    for name, value in overrides.items():
        object.__setattr__(config, name, value)
    return Graph(config=config, tokens=GraphAuth(config).app_token_source)


def seeded_db(path: Path) -> Database:
    """A record with the sample tenant and its sellers, no mail yet."""
    db = Database(f"sqlite:///{path}")
    Base.metadata.create_all(db.engine)
    with db.session() as s:
        ensure_tenant(s, tenant_id=TENANT_ID, name=TENANT_NAME, domains=[INTERNAL_DOMAIN])
        for seller in SELLERS:
            ensure_user(s, tenant_id=TENANT_ID, email=seller.email,
                        display_name=seller.display_name, oid=seller.oid,
                        time_zone=seller.time_zone)
    return db


def _users(db: Database) -> list:
    """Two of the sample's sellers: enough mail to page through, quick to sync."""
    with db.sessionmaker() as s:
        return list(s.scalars(sa.select(User.id).where(
            User.tenant_id == TENANT_ID, User.email.in_(MAILBOXES))))


def _keys(db: Database) -> list[str]:
    with db.sessionmaker() as s:
        return list(s.scalars(sa.select(Interaction.external_key)))


@pytest.fixture(scope="module")
def reference(standin: RunningStandIn, tmp_path_factory: pytest.TempPathFactory
              ) -> tuple[Database, list[str]]:
    """A clean, fault-free sync of the sample: the record and its interaction keys."""
    control(standin, "DELETE", "/faults")
    standin.state.faults.max_in_flight.clear()
    standin.state.load_sample(now=NOW)
    db = seeded_db(tmp_path_factory.mktemp("reference") / "reference.db")
    report = sync_mailboxes(db, graph_for(standin), tenant_id=TENANT_ID, user_ids=_users(db),
                            options=NO_EXTRACT)
    assert not report.errors and report.stored > 50
    assert max(standin.state.faults.max_in_flight.values()) <= 4
    return db, sorted(_keys(db))


@pytest.fixture
def reference_keys(reference: tuple[Database, list[str]]) -> list[str]:
    """The interaction keys a clean sync records."""
    return reference[1]


def test_the_sample_company_arrives_through_msal_and_msgraph(
        reference: tuple[Database, list[str]], standin: RunningStandIn) -> None:
    db = reference[0]
    with db.sessionmaker() as s:
        kinds = dict(s.execute(sa.select(Interaction.direction, sa.func.count())
                               .group_by(Interaction.direction)).all())
        meetings = s.scalar(sa.select(sa.func.count()).select_from(Interaction)
                            .where(Interaction.kind == "meeting"))
        threads = s.scalars(sa.select(Interaction.teams_thread_id).where(
            Interaction.kind == "meeting", Interaction.teams_thread_id.is_not(None))).all()
    assert kinds.get("outbound", 0) > 0 and kinds.get("inbound", 0) > 0
    assert meetings and meetings > 0
    # Teams meetings keep their chat thread from the join link (the side panel finds them so)
    assert threads and all(t.startswith("19:meeting_") and t.endswith("@thread.v2")
                           for t in threads)
    again = sync_mailboxes(db, graph_for(standin), tenant_id=TENANT_ID, user_ids=_users(db),
                           options=NO_EXTRACT)
    assert again.stored == 0 and not again.errors  # a second round finds nothing new


def test_a_429_and_503_storm_is_ridden_out(fresh: RunningStandIn, tmp_path: Path,
                                           reference_keys: list[str]) -> None:
    control(fresh, "POST", "/faults", json={"throttle": {"count": 12, "retry_after": "0.05"},
                                            "unavailable": {"count": 4, "retry_after": "0.05"}})
    db = seeded_db(tmp_path / "b.db")
    report = sync_mailboxes(db, graph_for(fresh), tenant_id=TENANT_ID, user_ids=_users(db),
                            options=NO_EXTRACT)
    assert not report.errors
    counters = fresh.state.faults.counters
    assert counters["throttle"] == 12 and counters["unavailable"] == 4
    assert sorted(_keys(db)) == reference_keys


def test_a_message_deleted_upstream_disappears_after_the_next_round(
        fresh: RunningStandIn, tmp_path: Path) -> None:
    db = seeded_db(tmp_path / "c.db")
    graph = graph_for(fresh)
    sync_mailboxes(db, graph, tenant_id=TENANT_ID, user_ids=_users(db), options=NO_EXTRACT)
    maya = SELLERS[0].email
    with db.sessionmaker() as s:
        row = s.execute(sa.text(
            "SELECT im.graph_id, im.interaction_id FROM interaction_mailboxes im "
            "JOIN users u ON u.id = im.user_id AND u.tenant_id = im.tenant_id "
            "WHERE u.email = :e AND im.folder = 'inbox' AND im.interaction_id NOT IN ("
            " SELECT interaction_id FROM interaction_mailboxes GROUP BY interaction_id "
            " HAVING count(*) > 1) LIMIT 1"), {"e": maya}).one()
    control(fresh, "DELETE", f"/mailboxes/{maya}/items/{row.graph_id}")
    report = sync_mailboxes(db, graph, tenant_id=TENANT_ID, user_ids=_users(db),
                            options=NO_EXTRACT)
    assert report.removed == 1
    with db.sessionmaker() as s:
        deleted_at = s.scalar(sa.select(Interaction.deleted_at).where(
            Interaction.id == uuid.UUID(str(row.interaction_id))))
    assert deleted_at is not None


KILLABLE = """
import sys, uuid
from pathlib import Path
from tests.sync.test_standin_sync import _users, graph_for, NO_EXTRACT
from app.db import Database
from app.sync.rounds import sync_mailboxes
from app.dev.sample.cast import TENANT_ID
from app.dev.standin.server import RunningStandIn
class Where:  # just the addresses graph_for needs
    graph_url, base_url, ca_path = sys.argv[2], sys.argv[3], sys.argv[4]
db = Database("sqlite:///" + sys.argv[1])
pages = 0
def tick(_n):
    global pages
    pages += 1
    print("page", pages, flush=True)
sync_mailboxes(db, graph_for(Where, page_size=20), tenant_id=TENANT_ID, user_ids=_users(db),
               options=NO_EXTRACT, progress=tick)
print("finished", flush=True)
"""


def test_a_sync_killed_mid_backfill_resumes_with_nothing_lost_or_doubled(
        fresh: RunningStandIn, tmp_path: Path, reference_keys: list[str]) -> None:
    db = seeded_db(tmp_path / "killed.db")
    control(fresh, "POST", "/faults", json={"slow": {"seconds": 0.05}})
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-W", "ignore::DeprecationWarning", "-c", KILLABLE,
         str(tmp_path / "killed.db"), fresh.graph_url, fresh.base_url, str(fresh.ca_path)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    for line in proc.stdout:
        if line.startswith("page 4") or time.monotonic() > deadline:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    proc.stdout.close()
    control(fresh, "DELETE", "/faults")
    partial = len(_keys(db))
    with db.sessionmaker() as s:
        midway = s.scalar(sa.select(sa.func.count()).select_from(SyncState)
                          .where(SyncState.next_link.is_not(None)))
    assert 0 < partial and midway, "the kill should land mid-backfill"

    report = sync_mailboxes(db, graph_for(fresh), tenant_id=TENANT_ID, user_ids=_users(db),
                            options=NO_EXTRACT)
    assert not report.errors
    keys = _keys(db)
    assert len(keys) == len(set(keys))  # nothing doubled
    assert sorted(keys) == reference_keys  # nothing lost
