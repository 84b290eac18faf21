"""A corpus of hostile messages, all invented, as Graph resources: control characters, NULs
and lone surrogates in every field, edge dates, a 10 MB body, absurdly deep HTML, broken
encodings, ids and lists far past any column's size.

Each entry says what a user should see: ``stored`` (in the record, its text made safe) or
``reported`` (left out with a reason in the sync report). Ordinary messages are put between
them, so a hostile message that stopped its folder would show as ordinary mail missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from app.dev.sample.resources import attachment

BUYER = "buyer.example"  # invented customers
SELLER_DOMAIN = "lumenfield.io"


@dataclass(frozen=True)
class Hostile:
    """One hostile message and what it must become."""

    name: str
    resource: dict[str, Any]
    expect: str  # stored | reported


def _message(key: str, *, subject: str = "Hello", body: str = "Hi there.",
             body_type: str = "text", sender: tuple[str, str] | None = None,
             when: str = "2026-11-20T10:00:00Z", to: list[tuple[str, str]] | None = None,
             attachments: tuple[str, ...] = (), **extra: Any) -> dict[str, Any]:
    name, address = sender or ("Casey Buyer", f"casey@{BUYER}")
    recipients = to if to is not None else [("Hostile Seller", f"hostile.seller@{SELLER_DOMAIN}")]
    resource: dict[str, Any] = {
        "id": f"hostile-{key}",
        "internetMessageId": f"<{key}@{BUYER}>",
        "conversationId": f"conv-{key}",
        "subject": subject,
        "body": {"contentType": body_type, "content": body},
        "from": {"emailAddress": {"name": name, "address": address}},
        "sender": {"emailAddress": {"name": name, "address": address}},
        "toRecipients": [{"emailAddress": {"name": n, "address": a}} for n, a in recipients],
        "ccRecipients": [],
        "sentDateTime": when,
        "receivedDateTime": when,
        "isDraft": False,
        "hasAttachments": bool(attachments),
    }
    if attachments:  # names only; the stand-in serves them on .../attachments
        resource["attachments"] = [attachment(f"hostile-{key}", key, n) for n in attachments]
    resource.update(extra)
    return resource


def corpus() -> list[Hostile]:
    """The hostile messages, one of each kind."""
    ten_mb = "We reviewed the renewal numbers again today. " * 240_000
    deep = "<div>" * 60_000 + "I'll send the quote by Friday." + "</div>" * 60_000
    tables = "<table><tr><td>" * 20_000 + "cell"
    return [
        Hostile("nul in subject", _message("nul-subject", subject="Quote\x00 for Q3"),
                "stored"),
        Hostile("nul in sender name", _message("nul-name", sender=("Casey\x00 Buyer",
                                                                   f"casey@{BUYER}")), "stored"),
        Hostile("lone surrogate in subject", _message("surrogate-subject",
                                                      subject="Renewal \ud800 terms"), "stored"),
        Hostile("lone surrogate in name", _message("surrogate-name",
                                                   sender=("\udcffJo Buyer", f"jo@{BUYER}")),
                "stored"),
        Hostile("control characters everywhere", _message(
            "controls", subject="\x1b[31mURGENT\x07\x08", body="Line\x01one\x0b\x0cand\x7f two",
            sender=("Ctrl\x1f Person", f"ctrl@{BUYER}")), "stored"),
        Hostile("nul in the body", _message("nul-body", body="\x00" * 2000 + "ok"), "stored"),
        Hostile("sent on 9999-12-31", _message(
            "year-9999", when="9999-12-31T23:59:59Z",
            body="I'll send the signed copy tomorrow, and the rest next week."), "stored"),
        Hostile("sent on 0001-01-01", _message(
            "year-0001", when="0001-01-01T00:00:00Z",
            body="Could you send it by Friday? Or yesterday?"), "stored"),
        Hostile("a 10 MB body", _message("ten-mb", body=ten_mb), "stored"),
        Hostile("HTML nested 60,000 deep", _message("deep-html", body=deep, body_type="html"),
                "stored"),
        Hostile("unclosed tables 20,000 deep", _message("deep-tables", body=tables,
                                                         body_type="html"), "stored"),
        Hostile("broken encodings", _message(
            "encodings", subject="=?utf-8?B?SGVsbG8=?= Ã©tÃ© \ufffd\ufffe",
            body='<meta charset="x-bogus"><p>Ã¼ber \udc80 caf\xe9</p>', body_type="html",
            sender=("MÃ¼ller \ufffd", f"mueller@{BUYER}")), "stored"),
        Hostile("an id of 2,000 characters", dict(
            _message("long-id"), internetMessageId="<" + "x" * 2000 + f"@{BUYER}>",
            id="hostile-" + "y" * 2000, conversationId="c" * 3000), "stored"),
        Hostile("a subject of 50,000 characters", _message("long-subject",
                                                           subject="Re: " * 12_500), "stored"),
        Hostile("line breaks in the subject", _message("newline-subject",
                                                       subject="Line one\r\nBcc: x@y.z"),
                "stored"),
        Hostile("nul inside the address", _message(
            "nul-address", sender=("Nul Address", f"nul\x00addr@{BUYER}")), "stored"),
        Hostile("nul in the ids", dict(_message("nul-ids"),
                                       internetMessageId=f"<nul\x00id@{BUYER}>",
                                       conversationId="conv\x00nul"), "stored"),
        Hostile("international address", _message(
            "idn", sender=("Jörg Ärger", "jörg@exämple.de")), "stored"),
        Hostile("right-to-left override in the name", _message(
            "rtl", sender=("\u202eevil\u202c Name", f"rtl@{BUYER}")), "stored"),
        Hostile("600 recipients", _message("many-to", to=[
            (f"Person {i}", f"p{i}@{BUYER}") for i in range(600)] + [
            ("Hostile Seller", f"hostile.seller@{SELLER_DOMAIN}")]), "stored"),
        Hostile("a sender that is no address", _message(
            "bad-sender", sender=("Nobody", "not an address")), "reported"),
        Hostile("no internetMessageId", dict(_message("no-key"), internetMessageId=None),
                "reported"),
        Hostile("no dates at all", dict(_message("no-date"), sentDateTime=None,
                                        receivedDateTime=None), "reported"),
    ]


def ordinary(n: int) -> Iterator[dict[str, Any]]:
    """Everyday customer mail to put between the hostile messages."""
    for i in range(n):
        yield _message(f"ordinary-{i}", subject=f"Pilot update {i}",
                       body=f"Thanks, I will send the revised plan {i} by Friday.",
                       sender=(f"Robin {i}", f"robin{i}@{BUYER}"),
                       when=f"2026-11-{1 + i % 20:02d}T09:{i % 60:02d}:00Z")


def main() -> None:
    """``python -m tests.sync.hostile_mail``: the time the real sync path (stand-in, msal,
    msgraph-sdk, extraction on the blank pipeline, SQLite) takes per hostile message, each
    alone in a fresh mailbox beside one ordinary message."""
    import tempfile
    import time
    import uuid
    import warnings
    from datetime import UTC, datetime
    from pathlib import Path

    from app.db import Database
    from app.dev.sample.cast import TENANT_ID
    from app.dev.standin.testing import running_standin
    from app.extract.pipeline import Extractor
    from app.records.models import Base
    from app.records.tenants import ensure_user
    from app.sync.extraction import batch_extractor
    from app.sync.rounds import sync_mailboxes
    from tests.sync.standin_world import fresh_record, graph_for

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        extract = batch_extractor(Extractor.from_settings(None))
    folder = Path(tempfile.mkdtemp(prefix="hostile-"))
    with running_standin(now=datetime(2026, 11, 22, tzinfo=UTC)) as standin:
        print(f"{'message':40} {'seconds':>8}  outcome")
        for n, hostile in enumerate(corpus()):
            address = f"hostile{n}@{SELLER_DOMAIN}"
            oid = uuid.uuid4()
            box = standin.state.store.add_mailbox(address, str(oid), "Hostile Seller")
            standin.state.store.put(box, "inbox", dict(hostile.resource))
            standin.state.store.put(box, "inbox", next(ordinary(1)))
            url = f"sqlite:///{folder / f'{n}.db'}"
            Base.metadata.create_all(Database(url).engine)
            db = fresh_record(url, contact_policy="sent_and_received")
            with db.session() as s:
                user_id = ensure_user(s, tenant_id=TENANT_ID, email=address,
                                      display_name="Hostile Seller", oid=oid).id
            started = time.perf_counter()
            report = sync_mailboxes(db, graph_for(standin), tenant_id=TENANT_ID,
                                    user_ids=[user_id], extract=extract)  # type: ignore[arg-type]
            took = time.perf_counter() - started
            outcome = f"stored {report.stored}, skipped {report.skip_reasons}, " \
                      f"set aside {report.set_aside}, errors {len(report.errors)}"
            print(f"{hostile.name:40} {took:8.2f}  {outcome}", flush=True)
            db.dispose()


if __name__ == "__main__":
    main()
