"""The dev/test split, frozen, and the count of looks at the test part.

The split is by source: a MailEx thread or a zones email goes wholly to dev or to test, never
a sentence of it to each; the intent set's sentences go by blocks of 25 consecutive ids (the
set keeps no email id; neighbouring rows are the nearest thing to one source). Membership is
a salted hash of the group, so it never depends on what is in an email.

``eval/frozen.json`` holds the checksums of the test part: the sorted test ids and their label
rows (ids and offsets). ``tests/extract/test_extract_eval_frozen.py`` recomputes them, so a
label of a test email cannot change without the test failing. Every run that scores the test
part appends a line to ``eval/test-looks.jsonl`` (when, what): the count is in the docs.
Errors are printed only for dev; for test, only aggregate figures. Emails labelled after the
freeze (``data.DEV_ONLY``: ``eval/labels/emails-dev-more*.jsonl`` and the quoted messages of
dev zones emails, ``emails-dev-quoted*.jsonl``) are dev, whatever their hash says.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
FROZEN = HERE / "frozen.json"
LOOKS = HERE / "test-looks.jsonl"
SALT = "storyline-issue-15"
TEST_FRACTION = 0.3
INTENT_BLOCK = 25


def _unit(key: str) -> float:
    digest = hashlib.sha256(f"{SALT}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def part(group: str) -> str:
    """``"test"`` or ``"dev"`` for a group (thread or email)."""
    return "test" if _unit(group) < TEST_FRACTION else "dev"


def intent_group(row_id: str) -> str:
    """The block of the intent set a row belongs to ("train-00031" -> "intent:1")."""
    digits = "".join(ch for ch in row_id if ch.isdigit())
    return f"intent:{int(digits or 0) // INTENT_BLOCK}"


def _canonical(rows: list[dict[str, Any]]) -> bytes:
    return "\n".join(json.dumps(r, sort_keys=True) for r in rows).encode("utf-8")


def checksums(label_rows: list[dict[str, Any]], intent_rows: list[dict[str, Any]] | None = None
              ) -> dict[str, str]:
    """The checksums of the test part: the label rows of test emails, the ids of test
    intent sentences with their labels (only when the intent set is given)."""
    test = sorted((r for r in label_rows if part(r["group"]) == "test"), key=lambda r: r["id"])
    out = {
        "emails_test_ids_sha256": hashlib.sha256(
            "\n".join(r["id"] for r in test).encode()).hexdigest(),
        "emails_test_labels_sha256": hashlib.sha256(_canonical(test)).hexdigest(),
    }
    if intent_rows is not None:
        itest = sorted(({"id": r["id"], "label": r["label"]} for r in intent_rows
                        if part(intent_group(r["id"])) == "test"), key=lambda r: r["id"])
        out["intent_test_sha256"] = hashlib.sha256(_canonical(itest)).hexdigest()
    return out


def frozen() -> dict[str, Any]:
    """The committed checksums and sizes of the test part."""
    return dict(json.loads(FROZEN.read_text(encoding="utf-8")))


def record_look(what: str, log: Path = LOOKS) -> int:
    """Appends one look at a test part to its log; returns how many there have been."""
    line = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "what": what}
    with log.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(line) + "\n")
    return looks(log)


def looks(log: Path = LOOKS) -> int:
    """How many times a test part has been scored (its log's lines)."""
    if not log.exists():
        return 0
    return sum(1 for line in log.read_text(encoding="utf-8").splitlines() if line.strip())
