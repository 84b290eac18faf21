"""The sample company looks like real Outlook mailboxes of a small B2B software company."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

import pytest

from app.dev.sample import build_sample, iter_sample_items, sample_accounts
from tests.sample.graph_shapes import example, shape_problems

NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)  # the same instant as the fixture

FREE_MAIL = {"gmail.com", "outlook.com"}
# Domains that belong to real, well-known organisations must never appear.
REAL_DOMAINS = {"google.com", "microsoft.com", "apple.com", "amazon.com", "salesforce.com",
                "hubspot.com", "contoso.com", "fabrikam.com", "yahoo.com", "facebook.com",
                "ibm.com", "oracle.com", "sap.com", "zoho.com", "pipedrive.com", "example.com"}
BULK_DOMAINS = {"news.fieldops-weekly.net", "mail.revenue-roundup.net",
                "notify.signtrail-docs.net", "alerts.expensely-app.net", "mx.relaymoor-mail.net"}
PRODUCT_KINDS = {"promise", "request", "budget", "pricing", "timeline", "competitor",
                 "decision_maker", "procurement", "legal", "security", "complaint",
                 "escalation", "delay", "on_hold", "churn", "expansion", "positive_intent",
                 "meeting_request"}
REQUIRED_MESSAGE = {"id", "internetMessageId", "conversationId", "subject", "body",
                    "bodyPreview", "from", "sender", "toRecipients", "ccRecipients",
                    "sentDateTime", "receivedDateTime", "parentFolderId"}
REQUIRED_EVENT = {"id", "iCalUId", "subject", "start", "end", "organizer", "attendees",
                  "isCancelled", "location", "bodyPreview"}


def _addresses(message: dict) -> list[str]:
    people = [message["from"], *message["toRecipients"], *message["ccRecipients"]]
    return [p["emailAddress"]["address"] for p in people]


def _when(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _event_start(event: dict) -> datetime:
    return datetime.fromisoformat(event["start"]["dateTime"][:19]).replace(tzinfo=UTC)


def test_same_seed_and_now_give_identical_mailboxes(sample):
    again = build_sample(NOW)
    assert json.dumps(again.mailboxes, sort_keys=True) == json.dumps(sample.mailboxes,
                                                                     sort_keys=True)
    assert again.deals == sample.deals


def test_another_seed_gives_other_mail(sample):
    other = build_sample(NOW, seed=8)
    first = {m["internetMessageId"] for m in sample.messages()}
    assert first.isdisjoint(m["internetMessageId"] for m in other.messages())


def test_size_is_a_small_company(sample):
    assert len(sample.sellers) == 5
    assert len(sample.accounts) == 30
    assert 100 <= sum(len(a.contacts) for a in sample.accounts) <= 140
    assert 500 <= len(sample.messages()) <= 800
    assert sample.tenant_id.hex == "7f3c1a520d4e4b8a9c612e5f8a9b0c11"
    assert sample.internal_domains == ("lumenfield.io",)


def test_every_message_has_the_shape_of_the_official_example(sample):
    shape = example("message")
    for message in sample.messages():
        assert REQUIRED_MESSAGE <= message.keys()
        assert shape_problems(message, shape) == []
        assert message["body"]["contentType"] in ("text", "html")
        assert len(message["bodyPreview"]) <= 255


def test_every_event_has_the_shape_of_the_official_example(sample):
    shape = example("event")
    for event in sample.events():
        assert REQUIRED_EVENT <= event.keys()
        assert shape_problems(event, shape) == []
        assert event["start"]["timeZone"] == "UTC"


def test_folders_are_oldest_first_and_mail_is_in_the_120_days_before_now(sample):
    for box in sample.mailboxes.values():
        for folder, field in (("inbox", "receivedDateTime"), ("sentitems", "sentDateTime")):
            stamps = [_when(m[field]) for m in box[folder]]
            assert stamps == sorted(stamps)
            assert all(NOW - timedelta(days=125) <= s <= NOW + timedelta(minutes=1)
                       for s in stamps)
        starts = [_event_start(e) for e in box["calendar"]]
        assert starts == sorted(starts)


def test_sent_items_are_sent_by_the_mailbox_owner(sample):
    for owner, box in sample.mailboxes.items():
        assert all(m["from"]["emailAddress"]["address"] == owner for m in box["sentitems"])
        assert all(owner in _addresses(m)[1:] for m in box["inbox"])


def test_every_address_domain_is_invented(sample):
    known = {"lumenfield.io"} | BULK_DOMAINS | FREE_MAIL
    for account in sample.accounts:
        known |= {account.domain, *account.sender_domains}
    seen = {a.split("@", 1)[1].lower() for m in sample.messages() for a in _addresses(m)}
    seen |= {a["emailAddress"]["address"].split("@", 1)[1] for e in sample.events()
             for a in e["attendees"]}
    assert seen <= known | {"corvane-logistics.com"}
    assert not seen & REAL_DOMAINS
    assert not any(d.endswith(r) for d in seen for r in REAL_DOMAINS if d != r
                   and d.endswith("." + r))


def test_every_product_content_kind_occurs(sample):
    assert PRODUCT_KINDS <= {k for k, n in sample.kinds.items() if n > 0}
    bodies = " ".join(m["body"]["content"] for m in sample.messages())
    assert "I'll send the revised quote" in bodies or "I'll send" in bodies
    assert "could you send" in bodies.lower()
    assert any(name in bodies for name in sample.competitors)
    assert re.search(r"(€|\$|£|EUR |USD |GBP )\d[\d,]*", bodies)
    for word in ("on hold", "escalat", "SOC 2", "MSA", "procurement", "expand"):
        assert word in bodies, word


@pytest.mark.parametrize("form", ["From:", "Sent:", "wrote:", "________________________________"])
def test_replies_quote_their_history_in_outlook_and_plain_forms(sample, form):
    assert any(form in m["body"]["content"] for m in sample.messages())


def test_html_and_text_bodies_and_signatures_with_phones(sample):
    kinds = Counter(m["body"]["contentType"] for m in sample.messages())
    assert kinds["html"] > 100 and kinds["text"] > 50
    assert any("class=\"MsoNormal\"" in m["body"]["content"] for m in sample.messages())
    phones = {c.phone for a in sample.accounts for c in a.contacts}
    bodies = " ".join(m["body"]["content"] for m in sample.messages())
    assert sum(p in bodies for p in phones) >= 30
    assert {p[:3] for p in phones if p.startswith("+")} >= {"+1 ", "+44", "+49", "+61"}


def test_internal_only_threads_exist(sample):
    internal = [m for m in sample.messages()
                if all(a.endswith("@lumenfield.io") for a in _addresses(m))]
    assert len({m["conversationId"] for m in internal}) >= 5


def test_bulk_and_automated_mail_is_marked_like_real_mail(sample):
    inbox = [m for box in sample.mailboxes.values() for m in box["inbox"]]
    headers = [{h["name"].lower(): h["value"] for h in m["internetMessageHeaders"]}
               for m in inbox]
    assert any("list-unsubscribe" in h and h.get("precedence") == "bulk" for h in headers)
    senders = {m["from"]["emailAddress"]["address"] for m in inbox}
    assert any(s.startswith("no-reply@") for s in senders)
    bounce = [m for m in inbox if m["from"]["emailAddress"]["address"].startswith("mailer-daemon@")]
    assert bounce and "Undeliverable" in bounce[0]["subject"]


def test_identity_edge_cases_are_present(sample):
    addresses = {a.lower() for m in sample.messages() for a in _addresses(m)}
    assert any(a.endswith("@gmail.com") for a in addresses)
    assert any(a.endswith("@outlook.com") for a in addresses)
    assert any(a.endswith(".co.uk") for a in addresses)
    assert any("@mail.veltran-medical.com" in a for a in addresses)
    names = defaultdict(set)
    for m in sample.messages():
        sender = m["from"]["emailAddress"]
        names[sender["name"]].add(sender["address"])
    two = [n for n, a in names.items() if len(a) == 2]
    assert len(two) == 1  # exactly one contact writes from two addresses


def test_a_cc_colleague_holds_the_same_message_in_their_mailbox(sample):
    owners = defaultdict(set)
    for mailbox, box in sample.mailboxes.items():
        for m in box["inbox"] + box["sentitems"]:
            owners[m["internetMessageId"]].add(mailbox)
    shared = [i for i, boxes in owners.items() if len(boxes) > 1]
    assert len(shared) > 20
    ids = [m["id"] for m in sample.messages()]
    assert len(ids) == len(set(ids))  # REST ids are per mailbox


def test_meetings_cover_the_next_ten_days_past_weeks_internal_and_one_cancelled(sample):
    events = {e["iCalUId"]: e for e in sample.events()}.values()
    external = [e for e in events
                if any(not a["emailAddress"]["address"].endswith("@lumenfield.io")
                       for a in e["attendees"] + [e["organizer"]])]
    upcoming = [e for e in external if NOW < _event_start(e) <= NOW + timedelta(days=11)]
    past = [e for e in external if _event_start(e) < NOW]
    assert len(upcoming) >= 5 and len(past) >= 5
    assert any(e not in external for e in events)
    assert sum(e["isCancelled"] for e in events) == 1
    assert all(a["type"] in ("required", "optional") for e in events for a in e["attendees"])


def test_deals_have_consistent_stages_and_history(sample):
    per_account = Counter(d.account_domain for d in sample.deals)
    assert max(per_account.values()) <= 2 and len(sample.deals) >= 20
    stages = {d.stage for d in sample.deals}
    assert stages == {"lead", "qualified", "proposal", "negotiation", "won", "lost"}
    for deal in sample.deals:
        assert deal.history[-1][0] == deal.stage
        assert [t for _, t in deal.history] == sorted(t for _, t in deal.history)
        assert deal.amount > 0 and len(deal.currency) == 3


def test_scale_grows_the_mail_and_the_stream_is_deterministic():
    small = sum(1 for _ in iter_sample_items(NOW, scale=1.0))
    big = [r["id"] for _, _, r in iter_sample_items(NOW, scale=3.0)]
    assert 2.5 * small < len(big) < 3.5 * small
    assert big[:500] == [r["id"] for _, _, r in iter_sample_items(NOW, scale=3.0)][:500]
    assert len(sample_accounts(scale=4.0)) > 30


def test_default_now_is_the_current_hour():
    company = build_sample()
    assert datetime.now(UTC) - company.now < timedelta(hours=1, minutes=1)
