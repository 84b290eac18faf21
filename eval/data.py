"""The labelled whole emails: our labels (ids and offsets, in ``eval/labels/``) joined with the
texts of the development sets in ``../shared/datasets`` (never copied into the repository).

Sources: the turns of ``mailex-events-train.jsonl`` (the body is the turn's ``text``) and a
fixed sample of ``signature-zones-train.jsonl`` (the whole body with its quoted history; the
labels cover only the new part, which ends where the set marks the first quoted header). The
labels follow ``docs/extraction-guide.md``: ``promise``, ``request``, ``due`` and
``signal:<kind>`` spans, a whole sentence for a commitment or a signal, the date phrase for a
due. When the datasets folder is absent (a user's machine) everything here is empty.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from typing import Any

from app.extract.io import parse_sent_at
from app.extract.types import Address, EmailIn

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT.parent / "shared" / "datasets"
LABELS = Path(__file__).resolve().parent / "labels" / "emails.jsonl"
# labelled after the test part was frozen: always dev, so the frozen test cannot change
DEV_ONLY = LABELS.with_name("emails-dev-more.jsonl")
# every later batch (emails-dev-more2.jsonl, ...) is dev only too, read in name order
DEV_ONLY_GLOB = "emails-dev-more*.jsonl"
ASF_LIST = "solr-user@lucene.apache.org"
MAILEX_SENT_AT = "2001-06-06T12:00:00+00:00"  # MailEx turns carry no date; a Wednesday


@dataclass(frozen=True)
class Span:
    """One labelled span; offsets into the email's ``text``."""

    start: int
    end: int
    label: str


@dataclass
class LabelledEmail:
    """A whole email with its labels and what the pipeline needs to read it."""

    id: str
    source: str
    group: str  # the thread (MailEx) or the email (zones): the unit of the dev/test split
    text: str
    email: EmailIn
    new_end: int  # where the labelled new part ends in ``text`` (zones: the first quoted header)
    spans: list[Span] = field(default_factory=list)
    dev_only: bool = False  # labelled after the freeze (``DEV_ONLY``)

    def of(self, label: str) -> list[Span]:
        """The spans with ``label``."""
        return [s for s in self.spans if s.label == label]


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """The decoded lines of a JSON Lines file."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def label_rows(path: Path = LABELS) -> list[dict[str, Any]]:
    """The committed label rows (ids, groups and offsets; no text)."""
    return list(read_jsonl(path))


def dev_only_rows() -> list[dict[str, Any]]:
    """The rows of every file labelled after the freeze (``DEV_ONLY_GLOB``); an id already
    read (in the frozen file or an earlier batch) is not read twice."""
    seen = {r["id"] for r in label_rows(LABELS)}
    out = []
    for path in sorted(LABELS.parent.glob(DEV_ONLY_GLOB)):
        for row in label_rows(path):
            if row["id"] not in seen:
                seen.add(row["id"])
                out.append(row)
    return out


def available() -> bool:
    """True when the development sets are on this machine."""
    return (DATASETS / "mailex-events-train.jsonl").exists() and (
        DATASETS / "signature-zones-train.jsonl"
    ).exists()


def _addresses(raw: str | None) -> tuple[Address, ...]:
    if not raw:
        return ()
    return tuple(Address(name=n, address=a) for n, a in getaddresses([raw.replace("\n", " ")]) if a)


def _zone_email(row: dict[str, Any]) -> EmailIn:
    header = row.get("header") or {}
    try:
        sent = parsedate_to_datetime(header["Date"]).isoformat() if header.get("Date") else None
    except (TypeError, ValueError):
        sent = None

    frm = _addresses(header.get("From"))
    to = _addresses(header.get("To"))
    if row.get("corpus") == "asf" and not to:
        # the set's Apache emails are mailing-list posts (its README) stored without headers;
        # a real client would see the list address, so the reader is told it
        to = (Address(address=ASF_LIST),)
    return EmailIn(
        id=row["id"],
        body=row["text"],
        subject=str(header.get("Subject") or ""),
        from_=frm[0] if frm else None,
        to=to,
        cc=_addresses(header.get("Cc")),
        sent_at=parse_sent_at(sent or MAILEX_SENT_AT),
        time_zone="America/Chicago",
    )


def load() -> list[LabelledEmail]:
    """Every labelled email with its text, in the label file's order ([] without the sets)."""
    if not available():
        return []

    mailex = {r["id"]: r for r in read_jsonl(DATASETS / "mailex-events-train.jsonl")}
    zones = {r["id"]: r for r in read_jsonl(DATASETS / "signature-zones-train.jsonl")}
    out: list[LabelledEmail] = []
    extra = dev_only_rows()
    for row in label_rows() + [{**r, "dev_only": True} for r in extra]:
        if row["source"] == "mailex":
            src = mailex[row["id"]]
            text, new_end = src["text"], len(src["text"])
            email = EmailIn(id=row["id"], body=text, sent_at=parse_sent_at(MAILEX_SENT_AT),
                            time_zone="America/Chicago")
        else:
            src = zones[row["id"]]
            text = src["text"]
            heads = [s["start"] for s in src["spans"] if s["type"] == "Header"]
            new_end = min(heads) if heads else len(text)
            email = _zone_email(src)
        spans = [Span(int(s["start"]), int(s["end"]), str(s["label"])) for s in row["spans"]]
        out.append(
            LabelledEmail(row["id"], row["source"], row["group"], text, email, new_end, spans,
                          bool(row.get("dev_only")))
        )
    return out
