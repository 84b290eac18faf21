"""``make demo`` end to end: ``python -m app.dev.demo`` keeps the Graph stand-in up, loads the
sample through it and serves Storyline under gunicorn; the inline scheduler (one leading
worker of two) sends the prep card of the sample's next customer meeting, and the ``/prep``
page lists the cards the stand-in received."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _sent(html: str) -> list[dict[str, Any]]:
    found = re.search(r'<script type="application/json" id="sent">(.*?)</script>', html, re.S)
    assert found, "the /prep page carries no list of sent cards"
    return list(json.loads(found.group(1)))


@pytest.fixture
def demo(tmp_path: Path) -> Any:
    """The demo running on a free port with its own instance folder; stopped with Ctrl-C."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORYLINE_")}
    env["STORYLINE_INSTANCE_PATH"] = str(tmp_path)
    log = (tmp_path / "demo.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "app.dev.demo", "--port", str(port),
                             "--workers", "2"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield proc, f"http://127.0.0.1:{port}", tmp_path / "demo.log"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
        log.close()


def test_make_demo_sends_the_next_meetings_prep_card_and_shows_it(
        demo: Any, assert_valid_card: Any) -> None:
    proc, base, log_path = demo
    http = requests.Session()
    http.trust_env = False
    cards: list[dict[str, Any]] = []
    deadline = time.monotonic() + 240  # the sample load runs the real sync and spaCy
    while time.monotonic() < deadline and not cards:
        assert proc.poll() is None, log_path.read_text()[-3000:]
        try:
            page = http.get(f"{base}/prep", timeout=10)
        except (requests.ConnectionError, requests.Timeout):  # still starting or loading
            time.sleep(1)
            continue
        cards = [c for c in _sent(page.text) if c["type"] == "meetingPrep"]
        if not cards:
            time.sleep(1)
    assert cards, "no prep card was sent within the time: " + log_path.read_text()[-3000:]
    time.sleep(3)  # the round may still be sending to the meeting's other sellers
    cards = [c for c in _sent(http.get(f"{base}/prep", timeout=10).text)
             if c["type"] == "meetingPrep"]

    # every seller on the sample's next customer meeting got its card (in their own time
    # zone), once
    titles = {c["card"]["fallbackText"].split(" at ")[0] for c in cards}
    assert len(titles) == 1 and titles.pop().startswith("Prep for Lumenfield / ")
    mailboxes = [c["mailbox"] for c in cards]
    assert len(mailboxes) == len(set(mailboxes)) and all(
        m.endswith("@lumenfield.io") for m in mailboxes)
    for c in cards:
        assert c["status"] == "sent"
        assert_valid_card(c["card"])
        assert "Who is coming" in json.dumps(c["card"])

    assert http.get(f"{base}/teams/tab", timeout=10).status_code == 200
    # the seller's token works on every worker (they share the local signing key), and the
    # Teams tab's list has the meeting whose card went out
    mailbox = mailboxes[0]
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORYLINE_")}
    env["STORYLINE_INSTANCE_PATH"] = str(log_path.parent)
    token = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "dev-token", "--user", mailbox],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout.split()[-1]
    for _ in range(6):
        answer = http.get(f"{base}/api/v1/prep/upcoming", timeout=10,
                          headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200, answer.text
        assert cards[0]["card"]["fallbackText"].split(" at ")[0].removeprefix("Prep for ") in \
            {m["title"] for m in answer.json()["meetings"]}
    # the sample's support mailbox: a customer in negotiation complained and escalated; the
    # story shows the thread with its function and that it waits on us
    from app.dev.sample import build_sample

    support = build_sample().mailboxes["support@lumenfield.io"]["inbox"]
    customer = next(m["from"]["emailAddress"]["address"] for m in support
                    if m["subject"].endswith("Dispatch board down at our depot"))
    story = http.get(f"{base}/api/v1/story", params={"email": customer}, timeout=10,
                     headers={"Authorization": f"Bearer {token}"}).json()
    assert [f["function"] for f in story["team_threads"]][:1] == ["support"]
    assert story["team_threads"][0]["waiting_on_us"] >= 1
    assert "support" in {i["function"] for i in story["timeline"]["items"]}
    # the demo's mailboxes are subscribed: mail put into the stand-in with notify reaches
    # the story within seconds, without waiting for the safety net
    log = log_path.read_text()
    assert re.search(r"change notifications: \d+ subscriptions", log), log[-3000:]
    standin_base = re.search(r"Graph stand-in: (https://\S+)/v1\.0", log).group(1)  # type: ignore[union-attr]
    control = requests.Session()
    control.trust_env, control.verify = False, str(log_path.parent / "standin" / "standin-ca.pem")
    subject = "Invented rollout question from the depot"
    message = {"subject": subject, "isDraft": False, "hasAttachments": False,
               "receivedDateTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
               "sentDateTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
               "internetMessageId": f"<demo-notify-{time.time_ns()}@example.org>",
               "conversationId": f"demo-notify-{time.time_ns()}",
               "from": {"emailAddress": {"address": customer, "name": "A customer"}},
               "toRecipients": [{"emailAddress": {"address": mailbox, "name": ""}}],
               "body": {"contentType": "text", "content": "Could you check the rollout "
                        "plan for the depot before Friday? Thanks."},
               "bodyPreview": "Could you check the rollout plan for the depot before Friday?"}
    added = control.post(f"{standin_base}/_standin/mailboxes/{mailbox}/items",
                         json={"folder": "inbox", "resource": message, "notify": True},
                         timeout=10)
    assert added.status_code == 201 and added.json()["notifications"], added.text
    subjects: set[str] = set()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and subject not in subjects:
        time.sleep(1)
        story = http.get(f"{base}/api/v1/story", params={"email": customer}, timeout=10,
                         headers={"Authorization": f"Bearer {token}"}).json()
        subjects = {i["subject"] for i in story["timeline"]["items"]}
    assert subject in subjects, "notified mail did not reach the story: " + log[-2000:]

    # a promise delivered in sent mail closes: the seller sends what a customer asked for
    # ("send the ...") with it attached, and the story lists it as done, closed by that mail
    auth = {"Authorization": f"Bearer {token}"}
    people = http.get(f"{base}/api/v1/contacts", params={"page_size": 50}, timeout=10,
                      headers=auth).json()["items"]  # an empty q: the most active first
    owed = None
    for person in people:
        story = http.get(f"{base}/api/v1/story", params={"contact_id": person["id"]},
                         timeout=10, headers=auth).json()
        owed = next((c for c in story["commitments"]["ours"] if c["shown"]
                     and re.match(r"send (you )?(the|a|an) \w", c["action"])), None)
        if owed:
            break
    assert owed, "the sample's stories show nothing we owe of the kind 'send the ...'"
    thing = re.sub(r"^send (you )?", "", owed["action"]).rstrip(".…")
    to = story["contact"]["addresses"][0]
    sent_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    delivery = {
        "subject": f"RE: {owed['source_subject'] or 'your request'}", "isDraft": False,
        "sentDateTime": sent_at, "receivedDateTime": sent_at, "hasAttachments": True,
        "internetMessageId": f"<demo-delivery-{time.time_ns()}@lumenfield.io>",
        "conversationId": f"demo-delivery-{time.time_ns()}",
        "from": {"emailAddress": {"address": mailbox, "name": ""}},
        "toRecipients": [{"emailAddress": {"address": to, "name": ""}}],
        "body": {"contentType": "text", "content": f"Hi,\n\nAs promised, attached is {thing}."
                 "\n\nBest regards"},
        "bodyPreview": f"As promised, attached is {thing}.",
        "attachments": [{"@odata.type": "#microsoft.graph.fileAttachment",
                         "id": "AAMkAD-demo-1", "name": "-".join(thing.split()[-3:]) + ".pdf",
                         "contentType": "application/pdf", "size": 48213,
                         "isInline": False, "lastModifiedDateTime": sent_at}]}
    added = control.post(f"{standin_base}/_standin/mailboxes/{mailbox}/items",
                         json={"folder": "sentitems", "resource": delivery, "notify": True},
                         timeout=10)
    assert added.status_code == 201 and added.json()["notifications"], added.text
    closed: list[dict[str, Any]] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not closed:
        time.sleep(1)
        story = http.get(f"{base}/api/v1/story", params={"contact_id": person["id"]},
                         timeout=10, headers=auth).json()
        closed = [c for c in story["commitments"]["recently_closed"] if c["id"] == owed["id"]]
    assert closed, f"the delivered {thing!r} did not close: " + log_path.read_text()[-2000:]
    assert closed[0]["closed_by"]["subject"] == delivery["subject"]
    assert owed["id"] not in {c["id"] for c in story["commitments"]["ours"]}

    # the nudge round runs in the demo too: /prep lists every kind with its card
    from app.prep.models import NUDGE_KINDS

    nudges: list[dict[str, Any]] = []
    deadline = time.monotonic() + 150
    while time.monotonic() < deadline and {n["kind"] for n in nudges} != set(NUDGE_KINDS):
        time.sleep(2)
        found = re.search(r'<script type="application/json" id="nudges-data">(.*?)</script>',
                          http.get(f"{base}/prep", timeout=10).text, re.S)
        assert found, "the /prep page carries no list of nudges"
        nudges = json.loads(found.group(1))
    assert {n["kind"] for n in nudges} == set(NUDGE_KINDS), log_path.read_text()[-2000:]
    for n in nudges:
        assert n["reason"]
        assert_valid_card(n["card"])

    log = log_path.read_text()
    assert log.count("inline scheduler leading") == 1  # two workers, one schedule

    proc.send_signal(signal.SIGINT)
    assert proc.wait(60) == 0
    with pytest.raises(requests.ConnectionError):
        http.get(f"{base}/prep", timeout=5)
