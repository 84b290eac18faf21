"""Attachment names through the production path: sync sees ``hasAttachments``, reads the
names with msgraph-sdk from the Graph stand-in (names only), and a promise the attachment
delivers closes. A failed attachment read records the message anyway and is counted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import unquote

import pytest
import requests
import sqlalchemy as sa

from app.address import Address
from app.db import Database
from app.dev.sample.cast import SELLERS, TENANT_ID
from app.dev.standin.server import RunningStandIn
from app.dev.standin.testing import control, control_session
from app.records.inputs import CommitmentIn, InteractionIn
from app.records.models import Commitment, Interaction
from app.records.record import record_interaction
from app.sync.rounds import SyncOptions, sync_mailboxes
from tests.sync.hostile_mail import _message
from tests.sync.standin_world import NOW, fresh_record, graph_for, user_ids

MAYA = SELLERS[0]
BUYER = ("Dana Whitfield", "dana@brightwater-labs.example")
THREAD = "conv-autoclose-pricing"
AFTER = NOW + timedelta(hours=2)  # later than every sample message: a round since then sees ours


@pytest.fixture
def record(db_url: str, fresh: RunningStandIn) -> Iterator[Database]:
    """The sample tenant on the database under test, with Maya's open promise to Dana."""
    db = fresh_record(db_url)
    with db.session() as s:
        text = "I'll send the pricing sheet by Friday."
        outcome = record_interaction(s, tenant_id=TENANT_ID, item=InteractionIn(
            kind="email", external_key="<first-autoclose@lumenfield.io>",
            occurred_at=NOW + timedelta(hours=1), subject="Pricing", thread_id=THREAD,
            body_text=f"Good to talk today. {text}",
            sender=Address(address=MAYA.email, name=MAYA.display_name),
            to=(Address(address=BUYER[1], name=BUYER[0]),),
            commitments=(CommitmentIn(kind="promise", owner="sender",
                                      action="send the pricing sheet", due=None, text=text,
                                      start=19, end=19 + len(text)),)))
        assert outcome.status == "stored"
    yield db
    db.dispose()


def _sent(standin: RunningStandIn, key: str, body: str, attachments: tuple[str, ...],
          minutes: int) -> None:
    when = (AFTER + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")
    resource = _message(key, subject="Re: Pricing", body=body, sender=(MAYA.display_name,
                        MAYA.email), to=[BUYER], when=when, attachments=attachments,
                        conversationId=THREAD)
    control(standin, "POST", f"/mailboxes/{MAYA.email}/items",
            json={"folder": "sentitems", "resource": resource})


def _round(db: Database, standin: RunningStandIn) -> object:
    return sync_mailboxes(db, graph_for(standin), tenant_id=TENANT_ID,
                          user_ids=user_ids(db, (MAYA.email,)),
                          options=SyncOptions(folders=("sentitems",), since=AFTER))


def _promise(db: Database) -> Commitment:
    with db.sessionmaker() as s:
        return s.scalars(sa.select(Commitment).where(
            Commitment.action == "send the pricing sheet")).one()


def test_an_attachment_read_through_the_sdk_closes_the_promise(
        fresh: RunningStandIn, record: Database) -> None:
    _sent(fresh, "pricing-delivered", "See attached, Dana.", ("Brightwater_Pricing_Sheet.pdf",
                                                               "image001.png"), 5)
    control(fresh, "DELETE", "/calls")
    report = _round(record, fresh)
    assert not report.errors and report.stored == 1  # type: ignore[attr-defined]
    promise = _promise(record)
    assert promise.status == "done" and promise.closed_how == "auto"
    assert promise.closed_evidence == "attachment: Brightwater_Pricing_Sheet.pdf"
    with record.sessionmaker() as s:
        closer = s.get(Interaction, (TENANT_ID, promise.closed_by_interaction_id))
        assert closer is not None and closer.external_key == "<pricing-delivered@buyer.example>"
    reads = [c for c in control(fresh, "GET", "/calls")["value"]
             if c["path"].endswith("/attachments")]
    assert len(reads) == 1 and reads[0]["status"] == 200
    assert "$select=name,contentType,size" in unquote(reads[0]["query"])


def test_a_failed_attachment_read_records_the_message_and_counts_it(
        fresh: RunningStandIn, record: Database) -> None:
    _sent(fresh, "pricing-unread", "See attached.", ("Pricing_Sheet.pdf",), 5)
    control(fresh, "POST", "/faults", json={"unavailable": {
        "count": 1000, "retry_after": "0", "folder": "attachments"}})
    report = _round(record, fresh)
    control(fresh, "DELETE", "/faults")
    assert report.stored == 1 and report.attachments_unread == 1  # type: ignore[attr-defined]
    assert _promise(record).status == "open"  # nothing seen, nothing closed

    _sent(fresh, "pricing-words", "As promised, here is the pricing sheet.", (), 9)
    report = _round(record, fresh)
    assert report.stored == 1 and report.attachments_unread == 0  # type: ignore[attr-defined]
    assert _promise(record).status == "done"


def _graph_get(standin: RunningStandIn, path: str) -> requests.Response:
    token = graph_for(standin).tokens(str(TENANT_ID))()
    with control_session(standin) as session:
        return session.get(f"{standin.graph_url}{path}", timeout=10,
                           headers={"Authorization": f"Bearer {token}"})


def test_the_standin_serves_attachments_as_strictly_as_graph(fresh: RunningStandIn) -> None:
    _sent(fresh, "strict", "Attached.", ("Order_Form.pdf",), 1)
    item = "hostile-strict"
    listed = _graph_get(fresh, f"/users/{MAYA.email}/messages/{item}/attachments"
                               "?$select=name,contentType,size")
    assert listed.status_code == 200
    (entry,) = listed.json()["value"]
    assert entry["name"] == "Order_Form.pdf" and entry["contentType"] == "application/pdf"
    assert "isInline" not in entry and "contentBytes" not in entry  # $select honoured
    assert _graph_get(fresh, f"/users/{MAYA.email}/messages/nope/attachments").status_code == 404
    bad = _graph_get(fresh, f"/users/{MAYA.email}/messages/{item}/attachments?$select=colour")
    assert bad.status_code == 400
    message = _graph_get(fresh, f"/users/{MAYA.email}/messages/{item}").json()
    assert message["hasAttachments"] is True and "attachments" not in message
