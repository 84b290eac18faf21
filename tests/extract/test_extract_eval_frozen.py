"""The evaluation cannot be tuned to: the test part is frozen by checksums committed beside
the labels, and the labels hold ids and offsets only, never the text of real mail."""

from __future__ import annotations

import json

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
    later = data.label_rows(data.DEV_ONLY)
    assert later and not frozen_ids & {r["id"] for r in later}
    if data.available():
        assert all(i.dev_only for i in data.load() if i.id not in frozen_ids)


def test_a_thread_never_straddles_dev_and_test() -> None:
    parts: dict[str, set[str]] = {}
    for row in data.label_rows():
        parts.setdefault(row["group"], set()).add(split.part(row["group"]))
    assert all(len(p) == 1 for p in parts.values())
    assert 0.2 < sum("test" in p for p in parts.values()) / len(parts) < 0.4


@pytest.mark.parametrize("name", ["emails.jsonl", "emails-dev-more.jsonl", "second-pass.jsonl"])
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


def test_every_later_batch_is_read_as_dev_only(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def row(i: str) -> str:
        return json.dumps({"id": i, "source": "mailex", "group": "g" + i, "spans": []}) + "\n"

    (tmp_path / "emails.jsonl").write_text(row("frozen-1"), encoding="utf-8")
    (tmp_path / "emails-dev-more.jsonl").write_text(row("later-1"), encoding="utf-8")
    # a second batch; an id already labelled (here a frozen one) is not read again
    (tmp_path / "emails-dev-more2.jsonl").write_text(row("later-2") + row("frozen-1"),
                                                     encoding="utf-8")
    monkeypatch.setattr(data, "LABELS", tmp_path / "emails.jsonl")
    assert [r["id"] for r in data.dev_only_rows()] == ["later-1", "later-2"]
