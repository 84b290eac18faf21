"""The labelled auto-close threads, their dev/test split, and the frozen test part.

``bench/data/autoclose.jsonl`` holds invented threads: one or more open commitments and the
later mail (or meeting) in the same thread, each commitment labelled ``delivers`` (does that
later interaction deliver it?). The split is by thread, a salted hash of its id, decided
before the detector was written; ``bench/data/autoclose-frozen.json`` holds the sha256 of
the test part (its ids and rows), checked by ``tests/records/test_autoclose_eval_frozen.py``,
so a test thread cannot change unnoticed. Every scoring of the test part appends a line to
``bench/data/autoclose-test-looks.jsonl``; the count is in docs/EXTRACTION.md.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
THREADS = DATA / "autoclose.jsonl"
FROZEN = DATA / "autoclose-frozen.json"
LOOKS = DATA / "autoclose-test-looks.jsonl"
SALT = "storyline-issue-12-autoclose"
TEST_FRACTION = 0.35


def part(thread: str) -> str:
    """``"test"`` or ``"dev"`` for a thread id (a salted hash: never its content)."""
    digest = hashlib.sha256(f"{SALT}:{thread}".encode()).digest()
    return "test" if int.from_bytes(digest[:8], "big") / 2**64 < TEST_FRACTION else "dev"


def rows(which: str | None = None) -> list[dict[str, Any]]:
    """The labelled threads, all or one part's, in file order."""
    out = [json.loads(line) for line in THREADS.read_text(encoding="utf-8").splitlines()
           if line.strip()]
    return [r for r in out if which is None or part(r["thread"]) == which]


def checksums(all_rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The test part's checksums: its sorted thread ids, and its rows canonically encoded."""
    test = sorted((r for r in all_rows if part(r["thread"]) == "test"),
                  key=lambda r: r["thread"])
    canonical = "\n".join(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in test)
    return {
        "test_threads": len(test),
        "test_pairs": sum(len(r["commitments"]) for r in test),
        "test_ids_sha256": hashlib.sha256(
            "\n".join(r["thread"] for r in test).encode()).hexdigest(),
        "test_rows_sha256": hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
    }


def frozen() -> dict[str, Any]:
    """The committed checksums of the test part."""
    data: dict[str, Any] = json.loads(FROZEN.read_text(encoding="utf-8"))
    return data


def note_look(what: str) -> int:
    """Appends one look at the test part to the log; gives the number of looks so far."""
    with LOOKS.open("a", encoding="utf-8") as f:
        f.write(json.dumps({"at": datetime.now(UTC).isoformat(timespec="seconds"),
                            "what": what}) + "\n")
    return len(LOOKS.read_text(encoding="utf-8").splitlines())
