"""The labelled whole emails: our labels (ids and offsets, in ``eval/labels/``) joined with the
texts of the development sets in ``../shared/datasets`` (never copied into the repository).

Sources: the turns of ``mailex-events-train.jsonl`` (the body is the turn's ``text``), a fixed
sample of ``signature-zones-train.jsonl`` (the whole body with its quoted history; the labels
cover only the new part, which ends where the set marks the first quoted header), and the
earlier messages quoted inside dev zones emails (``zones-quoted``, dev only: ``quoted_message``,
``quoted_sample`` for the first, ``deeper_sample`` for those below it). The labels follow
``docs/extraction-guide.md``: ``promise``, ``request``, ``due`` and ``signal:<kind>`` spans, a
whole sentence for a commitment or a signal, the date phrase for a due. When the datasets folder
is absent (a user's machine) everything here is empty.
"""

from __future__ import annotations

import hashlib
import json
import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from app.extract.io import parse_sent_at
from app.extract.types import Address, EmailIn

from . import split

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT.parent / "shared" / "datasets"
LABELS = Path(__file__).resolve().parent / "labels" / "emails.jsonl"
# labelled after the test part was frozen: always dev, so the frozen test cannot change
DEV_ONLY: tuple[Path, ...] = (
    LABELS.with_name("emails-dev-more.jsonl"),
    LABELS.with_name("emails-dev-more2.jsonl"),  # the rest of the zones sample rule (issue 15)
    LABELS.with_name("emails-dev-quoted.jsonl"),  # quoted earlier messages of dev zones emails
    LABELS.with_name("emails-dev-quoted-deeper.jsonl"),  # the messages quoted below the first
)
ASF_LIST = "solr-user@lucene.apache.org"
MAILEX_SENT_AT = "2001-06-06T12:00:00+00:00"  # MailEx turns carry no date; a Wednesday
ZONES_TZ = "America/Chicago"  # the Enron mail's zone; a quoted header's time carries none
QUOTED_SOURCE = "zones-quoted"
QUOTED_MIN, QUOTED_MAX = 60, 1400  # characters of a quoted message's own part, whitespace stripped
SHINGLE, SAME_PART = 30, 0.5  # how ``quoted_sample`` tells a repeated message
_QUOTE_DEPTH = re.compile(r"^[ \t]*((?:>[ \t]?)+)", re.M)  # the ">" marks a line starts with
_BARE_ADDRESS = re.compile(r"[^@\s<>\"]+@[^@\s<>\"]+\.[A-Za-z]{2,}")
_DATE_FORMATS = ("%m/%d/%Y %I:%M %p", "%m/%d/%y %I:%M %p", "%m/%d/%Y %I:%M:%S %p",
                 "%m/%d/%y %I:%M:%S %p", "%B %d, %Y %I:%M %p", "%A, %B %d, %Y %I:%M %p",
                 "%b %d, %Y %I:%M %p", "%m/%d/%Y %H:%M", "%m/%d/%Y", "%m/%d/%y", "%B %d, %Y",
                 "%A, %B %d, %Y")
_ZONE_WORD = re.compile(r"\s+(?:[ECMP][SD]T|GMT|UTC)$", re.I)  # "10:30 AM CDT": taken as Chicago


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
    """The label rows of every ``DEV_ONLY`` file that exists, in file order."""
    return [row for path in DEV_ONLY if path.exists() for row in label_rows(path)]


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
        time_zone=ZONES_TZ,
    )


def unquote(text: str, levels: int = 1) -> tuple[str, list[int]]:
    """``text`` without up to ``levels`` ``>`` quote marks at its line starts, and for every
    character kept its offset in ``text`` (so a zone's offsets map into the result)."""
    drop: set[int] = set()
    for m in re.finditer(rf"^[ \t]*(?:>[ \t]?){{1,{max(1, levels)}}}", text, re.M):
        drop.update(range(m.start(), m.end()))
    kept = [i for i in range(len(text)) if i not in drop]
    return "".join(text[i] for i in kept), kept


@dataclass(frozen=True)
class QuotedMessage:
    """An earlier message quoted in a zones email: its text (unquoted), where its own part ends
    (its signature zone, else the end), and the mail its header describes."""

    id: str  # "<zones id>#q1" for the first quoted message, "#q2" for the one below it, ...
    group: str  # the zones email's group, so the message is always on the email's side
    text: str
    new_end: int
    email: EmailIn


def _field_address(raw: str) -> Address | None:
    """One person of a quoted header ("Jane Doe", "jane@example.com", "Jane <jane@...>")."""
    flat = " ".join(raw.split())
    if not flat:
        return None
    if _BARE_ADDRESS.fullmatch(flat):
        return Address(address=flat)
    if "<" in flat and "@" in flat:
        pairs = [(n, a) for n, a in getaddresses([flat]) if "@" in a]
        if pairs:
            return Address(name=pairs[0][0], address=pairs[0][1])
    return Address(address="", name=flat.split("/")[0].strip())  # Notes: "Jane Doe/HOU/ECT@ECT"


def _quoted_sent_at(date: str, time: str) -> datetime | None:
    raw = _ZONE_WORD.sub("", " ".join(f"{date} {time}".split()))
    if not raw:
        return None
    try:
        return parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).replace(tzinfo=ZoneInfo(ZONES_TZ))
        except ValueError:
            continue
    return None


def quoted_messages(row: dict[str, Any]) -> int:
    """How many quoted messages a zones row holds (its ``Header`` zones)."""
    return sum(1 for s in row["spans"] if s["type"] == "Header")


def quoted_message(row: dict[str, Any], n: int = 1) -> QuotedMessage | None:
    """The ``n``-th quoted message of a zones row: from the end of its ``n``-th ``Header`` zone
    to the start of the next (or the end of the body), without as many levels of ``>`` marks
    as its least quoted line has (one, for nearly every first message); its own part ends at
    the first ``Body/Signature`` zone inside it. None when there is no such header."""
    heads = sorted((s for s in row["spans"] if s["type"] == "Header"), key=lambda s: s["start"])
    if not 1 <= n <= len(heads):
        return None
    head = heads[n - 1]
    start = int(head["end"])
    end = min([int(s["start"]) for s in heads[n:] if s["start"] >= start] or [len(row["text"])])
    raw = row["text"][start:end]
    depths = [m.group(1).count(">") for m in _QUOTE_DEPTH.finditer(raw)]
    text, kept = unquote(raw, min(depths) if depths else 1)
    sigs = [int(s["start"]) for s in row["spans"]
            if s["type"] == "Body/Signature" and start <= s["start"] < end]
    new_end = bisect_left(kept, min(sigs) - start) if sigs else len(text)
    fields: dict[str, list[str]] = {}
    for s in sorted(row["spans"], key=lambda s: s["start"]):
        if head["start"] <= s["start"] < head["end"] and s["type"].startswith("Header/"):
            fields.setdefault(s["type"], []).append(str(s["text"]))

    def people(kind: str) -> tuple[Address, ...]:
        return tuple(a for a in map(_field_address, fields.get(kind, [])) if a is not None)

    frm, to = people("Header/Person/From"), people("Header/Person/To")
    if row.get("corpus") == "asf" and not any(a.address for a in to):
        to = (*to, Address(address=ASF_LIST))  # a list post, as for the zones emails
    qid = f"{row['id']}#q{n}"
    email = EmailIn(
        id=qid,
        body=text,
        subject=" ".join(" ".join(fields.get("Header/Subject", [])).split()),
        from_=frm[0] if frm else None,
        to=to,
        cc=people("Header/Person/Cc"),
        sent_at=_quoted_sent_at(" ".join(fields.get("Header/Sent/Date", [])),
                                " ".join(fields.get("Header/Sent/Time", []))),
        time_zone=ZONES_TZ,
    )
    return QuotedMessage(qid, f"zones:{row['id']}", text, new_end, email)


def shingles(text: str) -> frozenset[str]:
    """30-character pieces (every third) of the text's letters and digits, lowercased: the same
    for a message whatever its quoting, wrapping or tokenisation ("did n't")."""
    flat = re.sub(r"[^a-z0-9]", "", text.lower())
    return frozenset(flat[i : i + SHINGLE] for i in range(0, max(1, len(flat) - SHINGLE + 1), 3)
                     if len(flat) >= SHINGLE)


def repeats(a: frozenset[str], b: frozenset[str]) -> bool:
    """True when half of either text is in the other (a thread quoting the same message)."""
    if not a or not b:
        return False
    common = len(a & b)
    return common >= SAME_PART * len(a) or common >= SAME_PART * len(b)


def new_part(row: dict[str, Any]) -> str:
    """A zones row's new part: its text before the first ``Header`` zone."""
    heads = [int(s["start"]) for s in row["spans"] if s["type"] == "Header"]
    return str(row["text"][: min(heads) if heads else len(row["text"])])


def quoted_sample(zones_rows: Iterable[dict[str, Any]],
                  mailex_rows: Iterable[dict[str, Any]] = ()) -> list[QuotedMessage]:
    """The rule that chose the ``zones-quoted`` messages: the first quoted message of every dev
    zones email whose own part is 60-1,400 characters (whitespace stripped), in sha1-of-id
    order, skipping a message that repeats (half of either text in the other) one chosen before
    or the new part of any zones email or MailEx turn, dev or test: threads quote the mail the
    sets already hold, and a test email must never come back as dev data."""
    return _sample(zones_rows, mailex_rows, first=True)


def deeper_sample(zones_rows: Iterable[dict[str, Any]],
                  mailex_rows: Iterable[dict[str, Any]] = ()) -> list[QuotedMessage]:
    """The same rule for the messages quoted below the first one (``#q2``, ``#q3``, ...); a
    repeat of a first message that ``quoted_sample`` chose is skipped too."""
    zones_rows, mailex_rows = list(zones_rows), list(mailex_rows)
    before = [shingles(q.text[: q.new_end]) for q in quoted_sample(zones_rows, mailex_rows)]
    return _sample(zones_rows, mailex_rows, first=False, chosen=before)


def _sample(zones_rows: Iterable[dict[str, Any]], mailex_rows: Iterable[dict[str, Any]], *,
            first: bool, chosen: list[frozenset[str]] | None = None) -> list[QuotedMessage]:
    zones_rows = list(zones_rows)
    held = [shingles(new_part(r)) for r in zones_rows]
    held += [shingles(str(r["text"])) for r in mailex_rows]
    out: list[QuotedMessage] = []
    chosen = list(chosen or [])
    cands = [q for r in zones_rows if split.part(f"zones:{r['id']}") == "dev"
             for n in ([1] if first else range(2, quoted_messages(r) + 1))
             if (q := quoted_message(r, n)) is not None]
    for q in sorted(cands, key=lambda q: hashlib.sha1(q.id.encode()).hexdigest()):
        own = q.text[: q.new_end].strip()
        if not QUOTED_MIN <= len(own) <= QUOTED_MAX:
            continue
        mine = shingles(own)
        if any(repeats(mine, other) for other in (*chosen, *held)):
            continue
        chosen.append(mine)
        out.append(q)
    return out


def load() -> list[LabelledEmail]:
    """Every labelled email with its text, in the label file's order ([] without the sets)."""
    if not available():
        return []

    mailex = {r["id"]: r for r in read_jsonl(DATASETS / "mailex-events-train.jsonl")}
    zones = {r["id"]: r for r in read_jsonl(DATASETS / "signature-zones-train.jsonl")}
    out: list[LabelledEmail] = []
    for row in label_rows() + [{**r, "dev_only": True} for r in dev_only_rows()]:
        if row["source"] == "mailex":
            src = mailex[row["id"]]
            text, new_end = src["text"], len(src["text"])
            email = EmailIn(id=row["id"], body=text, sent_at=parse_sent_at(MAILEX_SENT_AT),
                            time_zone="America/Chicago")
        elif row["source"] == QUOTED_SOURCE:
            zones_id, _, n = row["id"].rpartition("#q")
            q = quoted_message(zones[zones_id], int(n))
            assert q is not None and q.group == row["group"], row["id"]
            text, new_end, email = q.text, q.new_end, q.email
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
