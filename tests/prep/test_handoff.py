"""Across the handoff: when support or billing hears an escalation, a cancellation threat or
an invoice dispute from a customer, the account's owner gets one Teams notice (msal and
msgraph-sdk against the local Graph stand-in)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from app.dev.standin.testing import control
from app.prep.handoff import send_handoffs
from app.records.handoffs import is_invoice_dispute, team_alerts
from app.records.inputs import SignalIn
from app.records.record import record_interaction
from app.records.team_mailboxes import enrol_team_mailbox
from tests.world import ELENA, JONAS, MAYA, TENANT_A, TOM, mail


def _handoffs(standin: Any) -> list[dict[str, Any]]:
    return [t for t in control(standin, "GET", "/teams")["value"]
            if t["kind"] == "activity" and t["body"]["activityType"] == "teamHandoff"]


def _team_mail(db: Any, now: datetime, *, function: str, address: str, sender: tuple[str, str],
               subject: str, body: str, signals: tuple[SignalIn, ...] = (),
               key: str = "t1") -> None:
    with db.session() as s:
        box = enrol_team_mailbox(s, tenant_id=TENANT_A, address=address, function=function)
        record_interaction(s, tenant_id=TENANT_A, item=mail(
            key, now - timedelta(hours=2), sender, [(function, address)], subject=subject,
            body=body, mailbox=box, signals=signals))


def _escalation(db: Any, now: datetime) -> None:
    """Elena of Harbourline escalates to support (Maya owns Harbourline's open deal)."""
    text = "I am escalating this to our CIO: the tracking outage is still not fixed."
    _team_mail(db, now, function="support", address="support@brightloop.io", sender=ELENA,
               subject="Outage still not fixed", body=text,
               signals=(SignalIn(kind="risk", value={"subtype": "escalation"}, text=text,
                                 start=0, end=len(text), confidence=0.9),))


def test_an_escalation_to_support_reaches_the_deal_owner_once(
        db: Any, world: Any, graph: Any, standin: Any, assert_valid_card: Any) -> None:
    now = world.now
    _escalation(db, now)
    first = send_handoffs(db, graph, now)
    assert (first.sent, first.failed) == (1, 0)
    [notice] = _handoffs(standin)
    assert notice["mailbox"] == MAYA[1]  # she owns Harbourline's open deal, Tom does not
    assert "Support received an escalation from Harbourline Freight" in \
        notice["body"]["previewText"]["content"]
    again = send_handoffs(db, graph, now + timedelta(minutes=5))
    assert again.sent == 0 and len(_handoffs(standin)) == 1
    with db.session() as s:
        [alert] = team_alerts(s, tenant_id=TENANT_A, since=now - timedelta(days=1))
    assert alert.kind == "escalation" and alert.function == "support"


def test_an_invoice_dispute_to_billing_is_a_handoff_and_a_payment_question_is_not(
        db: Any, world: Any, graph: Any, standin: Any) -> None:
    now = world.now
    _team_mail(db, now, function="finance", address="billing@brightloop.io", sender=JONAS,
               subject="Invoice 4471", key="dispute",
               body="We dispute invoice 4471: the rollout fee was never agreed.")
    _team_mail(db, now, function="finance", address="billing@brightloop.io", sender=JONAS,
               subject="Invoice 4472", key="question",
               body="Could you resend invoice 4472 as a PDF? Thanks.")
    report = send_handoffs(db, graph, now)
    assert report.sent == 1
    [notice] = _handoffs(standin)
    assert "Finance received an invoice dispute" in notice["body"]["previewText"]["content"]


def test_a_complaint_to_support_or_mail_to_a_sellers_own_mailbox_is_no_handoff(
        db: Any, world: Any, graph: Any, standin: Any) -> None:
    now = world.now
    text = "The screens are slow today."
    _team_mail(db, now, function="support", address="support@brightloop.io", sender=ELENA,
               subject="Slow screens", body=text,
               signals=(SignalIn(kind="risk", value={"subtype": "complaint"}, text=text,
                                 start=0, end=len(text), confidence=0.8),))
    with db.session() as s:
        threat = "We will cancel the contract if this goes on."
        record_interaction(s, tenant_id=TENANT_A, item=mail(
            "own", now - timedelta(hours=1), JONAS, [TOM], subject="Contract", body=threat,
            mailbox=world.users[TOM[1]],
            signals=(SignalIn(kind="risk", value={"subtype": "cancel"}, text=threat,
                              start=0, end=len(threat), confidence=0.9),)))
    assert send_handoffs(db, graph, now).sent == 0
    assert _handoffs(standin) == []


@pytest.mark.parametrize(("text", "dispute"), [
    ("We dispute invoice 88: it charges the old rate.", True),
    ("Your invoice is wrong, we were double billed for March.", True),
    ("We will not pay the statement until the credit note arrives.", True),
    ("Please find our payment for invoice 88 attached.", False),
    ("Could you send the invoice to our AP team?", False),
    ("We disagree about the rollout plan.", False),
])
def test_what_counts_as_an_invoice_dispute(text: str, dispute: bool) -> None:
    assert is_invoice_dispute(text) is dispute


def test_the_prep_card_lists_open_support_and_finance_threads(
        db: Any, world: Any, assert_valid_card: Any) -> None:
    import json

    from app.prep.cards import prep_card
    from app.prep.gather import gather_prep
    from tests.prep.meetings import customer_meeting

    now = world.now
    _team_mail(db, now, function="support", address="support@brightloop.io", sender=ELENA,
               subject="Outage in Lyon", body="Our drivers cannot see the trucks since Monday.")
    with db.session() as s:
        meeting_id = customer_meeting(s, now)
        prep = gather_prep(s, tenant_id=TENANT_A, meeting_id=meeting_id,
                           user_id=world.users[MAYA[1]].id, now=now)
    assert prep.team_threads == ("Support: 1 waiting on us (0 days), latest "
                                 "\u201cOutage in Lyon\u201d",)
    card = prep_card(prep)
    assert_valid_card(card)
    assert "Open with support and finance" in json.dumps(card)


def test_one_tenant_failing_does_not_stop_the_next_ones_handoffs(
        db: Any, world: Any, graph: Any, standin: Any, monkeypatch: Any) -> None:
    import uuid

    from app.prep import handoff

    now = world.now
    _escalation(db, now)
    broken = uuid.UUID("99999999-9999-4999-8999-999999999999")
    real_alerts = handoff.team_alerts

    def alerts(session: Any, *, tenant_id: uuid.UUID, since: datetime) -> Any:
        if tenant_id == broken:
            raise RuntimeError("this tenant's alerts cannot be read")
        return real_alerts(session, tenant_id=tenant_id, since=since)

    monkeypatch.setattr(handoff, "tenant_ids", lambda _s: [broken, TENANT_A])
    monkeypatch.setattr(handoff, "team_alerts", alerts)
    report = send_handoffs(db, graph, now)
    assert (report.sent, report.failed) == (1, 1)
    assert [n["mailbox"] for n in _handoffs(standin)] == [MAYA[1]]
