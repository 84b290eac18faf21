"""The evaluation cannot be tuned to: the test part is frozen by checksums committed beside
the labels, and the labels hold ids and offsets only, never the text of real mail."""

from __future__ import annotations

import json
from typing import Any

import pytest

from eval import data, split


def test_the_test_labels_are_the_frozen_ones() -> None:
    frozen = split.frozen()
    now = split.checksums(data.label_rows())
    assert now["emails_test_ids_sha256"] == frozen["emails_test_ids_sha256"]
    assert now["emails_test_labels_sha256"] == frozen["emails_test_labels_sha256"]


@pytest.mark.datasets
def test_the_intent_test_part_is_the_frozen_one() -> None:
    path = data.DATASETS / "email-intent-train.jsonl"
    if not path.exists():
        pytest.skip("the development sets are not on this machine")
    now = split.checksums(data.label_rows(), list(data.read_jsonl(path)))
    assert now["intent_test_sha256"] == split.frozen()["intent_test_sha256"]


def test_emails_labelled_after_the_freeze_are_dev_only() -> None:
    frozen_ids = {r["id"] for r in data.label_rows()}
    later = data.dev_only_rows()
    later_ids = [r["id"] for r in later]
    assert later and not frozen_ids & set(later_ids)
    assert len(later_ids) == len(set(later_ids))  # no email in two dev-only files
    if data.available():
        assert all(i.dev_only for i in data.load() if i.id not in frozen_ids)


def test_a_thread_never_straddles_dev_and_test() -> None:
    parts: dict[str, set[str]] = {}
    for row in data.label_rows():
        parts.setdefault(row["group"], set()).add(split.part(row["group"]))
    assert all(len(p) == 1 for p in parts.values())
    assert 0.2 < sum("test" in p for p in parts.values()) / len(parts) < 0.4


@pytest.mark.parametrize("name", ["emails.jsonl", "emails-dev-more.jsonl", "emails-dev-more2.jsonl",
                                  "emails-dev-quoted.jsonl", "emails-dev-quoted-deeper.jsonl",
                                  "second-pass.jsonl", "second-annotator.jsonl"])
def test_labels_are_ids_and_offsets_only(name: str) -> None:
    path = data.LABELS.parent / name
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        assert set(row) == {"id", "source", "group", "spans"}
        for span in row["spans"]:
            assert set(span) == {"start", "end", "label"}
            assert isinstance(span["start"], int) and isinstance(span["end"], int)
            assert span["label"] in {"promise", "request", "due"} or span["label"].startswith(
                "signal:")


def test_quoted_messages_are_of_dev_emails_and_keep_their_group() -> None:
    files = [p for p in data.DEV_ONLY if p.name.startswith("emails-dev-quoted") and p.exists()]
    rows = [r for p in files for r in data.label_rows(p)]
    assert rows and all(r["source"] == data.QUOTED_SOURCE for r in rows)
    for row in rows:
        zones_id, _, n = row["id"].rpartition("#q")
        assert int(n) >= 1 and row["group"] == f"zones:{zones_id}"
        assert split.part(row["group"]) == "dev"  # chosen by the split, never from test labels


def _zones_row(row_id: str, quoted: str, *, signature_at: int | None = None) -> dict[str, Any]:
    # an invented zones row: a reply, a quoted header, the quoted message, a deeper header
    new = "Thanks, that works.\n"
    head = "> From: Ada Quill\n> Sent: 03/05/2001 10:15 AM\n> To: ben@example.org\n"
    deeper = "> > -----Original Message-----\n> > older text\n"
    text = new + head + quoted + deeper
    h0, h1 = len(new), len(new) + len(head)
    spans: list[dict[str, Any]] = [
        {"type": "Header", "start": h0, "end": h1, "text": head},
        {"type": "Header/Person/From", "start": h0 + 8, "end": h0 + 17, "text": "Ada Quill"},
        {"type": "Header/Sent/Date", "start": h0 + 26, "end": h0 + 36, "text": "03/05/2001"},
        {"type": "Header/Sent/Time", "start": h0 + 37, "end": h0 + 45, "text": "10:15 AM"},
        {"type": "Header/Person/To", "start": h0 + 52, "end": h0 + 67, "text": "ben@example.org"},
        {"type": "Header", "start": h1 + len(quoted), "end": len(text), "text": deeper},
    ]
    if signature_at is not None:
        spans.append({"type": "Body/Signature", "start": h1 + signature_at, "end": h1 + len(quoted),
                      "text": quoted[signature_at:]})
    return {"id": row_id, "corpus": "enron", "text": text, "header": {}, "spans": spans}


def test_a_quoted_message_is_cut_between_headers_unquoted_once() -> None:
    quoted = "> Could you send the signed order form by Friday?\n> Ada\n> Quill Ltd, 555 0100\n"
    q = data.quoted_message(_zones_row("invented-1", quoted, signature_at=quoted.index("> Quill")))
    assert q is not None and q.id == "invented-1#q1" and q.group == "zones:invented-1"
    assert q.text == "Could you send the signed order form by Friday?\nAda\nQuill Ltd, 555 0100\n"
    assert q.text[q.new_end:].startswith("Quill Ltd")  # the signature zone ends the own part
    assert q.email.body == q.text and q.email.from_ is not None
    assert q.email.from_.name == "Ada Quill" and q.email.to[0].address == "ben@example.org"
    assert q.email.sent_at is not None
    assert q.email.sent_at.isoformat() == "2001-03-05T10:15:00-06:00"
    assert data.quoted_message({"id": "x", "text": "no history", "spans": []}) is None


def test_the_quoted_sample_rule() -> None:
    body = "> Please review the amendment and tell me whether the dates work for your team.\n"
    short = "> Thanks.\n"
    ids = [f"invented-{i}" for i in range(40)]
    rows = [_zones_row(i, short if n % 3 == 0 else body) for n, i in enumerate(ids)]
    chosen = data.quoted_sample(rows)
    # the same text twice is one message; a test email or a short message is never chosen
    assert len(chosen) == 1
    assert split.part(chosen[0].group) == "dev" and chosen[0].text.strip() == body[2:].strip()
    assert [q.id for q in data.quoted_sample(reversed(rows))] == [q.id for q in chosen]
    # a message the sets already hold as some email's new part (dev or test) is never chosen
    held = {**_zones_row("invented-held", ""), "text": body[2:], "spans": []}
    assert data.quoted_sample([*rows, held]) == []
    assert data.quoted_sample(rows, [{"id": "t0", "thread": "t", "text": body[2:]}]) == []


def test_a_deeper_message_loses_as_many_quote_marks_as_its_least_quoted_line() -> None:
    older = "> > Please countersign the amendment by Monday.\n> > Ada\n"
    row = _zones_row("invented-2", "> Done, see below.\n")
    text = str(row["text"])
    spans = list(row["spans"])
    deeper = spans[-1]
    head_end = int(deeper["start"]) + len("> > -----Original Message-----\n")
    row = {**row, "text": text[:head_end] + older,
           "spans": [*spans[:-1], {**deeper, "end": head_end}]}
    q2 = data.quoted_message(row, 2)
    assert q2 is not None and q2.id == "invented-2#q2" and q2.group == "zones:invented-2"
    assert q2.text == "Please countersign the amendment by Monday.\nAda\n"
    assert data.quoted_message(row, 3) is None
    # the first message of a set chosen by quoted_sample is never chosen again as a deeper one
    assert all(q.id.endswith("#q2") for q in data.deeper_sample([row]))


def test_an_id_already_labelled_is_not_read_again(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def row(i: str) -> str:
        return json.dumps({"id": i, "source": "mailex", "group": "g" + i, "spans": []}) + "\n"

    (tmp_path / "emails.jsonl").write_text(row("frozen-1"), encoding="utf-8")
    (tmp_path / "emails-dev-more.jsonl").write_text(row("later-1"), encoding="utf-8")
    # a second batch; an id already labelled (here a frozen one) is not read again
    (tmp_path / "emails-dev-more2.jsonl").write_text(row("later-2") + row("frozen-1"),
                                                     encoding="utf-8")
    monkeypatch.setattr(data, "LABELS", tmp_path / "emails.jsonl")
    monkeypatch.setattr(data, "DEV_ONLY", (tmp_path / "emails-dev-more.jsonl",
                                           tmp_path / "emails-dev-more2.jsonl",
                                           tmp_path / "absent.jsonl"))
    assert [r["id"] for r in data.dev_only_rows()] == ["later-1", "later-2"]


def test_the_guide_labels_of_intent_sentences_are_ids_of_dev_blocks_only() -> None:
    # eval/labels/intent-guide-dev.jsonl: the intent set's dev sentences labelled again by
    # the guide, read by eval.train as training rows; never a test block, never any text
    path = data.LABELS.parent / "intent-guide-dev.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len({r["id"] for r in rows}) > 2000
    for row in rows:
        assert set(row) == {"id", "labels"}
        assert set(row["labels"]) <= {"request", "promise"}
        assert split.part(split.intent_group(row["id"])) == "dev"


def test_the_independent_pass_over_the_guide_labels_is_a_tenth_of_them() -> None:
    # eval/labels/intent-guide-agreement.jsonl: a second annotator's labels of a tenth of the
    # sentences (chosen by a hash of the ids), for the agreement figure only
    folder = data.LABELS.parent
    first = {json.loads(x)["id"] for x in (folder / "intent-guide-dev.jsonl").read_text(
        encoding="utf-8").splitlines()}
    rows = [json.loads(x) for x in (folder / "intent-guide-agreement.jsonl").read_text(
        encoding="utf-8").splitlines()]
    assert len(rows) == len(first) // 10 and {r["id"] for r in rows} <= first
    assert all(set(r) == {"id", "labels"} for r in rows)
