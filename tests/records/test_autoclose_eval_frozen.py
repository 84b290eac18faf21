"""The auto-close evaluation cannot be tuned to: its test part is frozen by the checksums
committed beside the threads, the set is big and hard enough, and every look at the test
part is logged and counted in docs/EXTRACTION.md."""

from __future__ import annotations

import re
from pathlib import Path

from bench import autoclose_split as split

DOCS = Path(__file__).resolve().parents[2] / "docs" / "EXTRACTION.md"


def test_the_test_threads_are_the_frozen_ones() -> None:
    now, frozen = split.checksums(split.rows()), split.frozen()
    for key in ("test_ids_sha256", "test_rows_sha256", "test_threads", "test_pairs"):
        assert now[key] == frozen[key], key


def test_the_set_is_big_and_hard_enough() -> None:
    rows = split.rows()
    assert len(rows) >= 110 and len({r["thread"] for r in rows}) == len(rows)
    hard = [r for r in rows if r["note"].startswith("neg")]
    assert len(hard) >= 35
    assert all(not c["delivers"] for r in hard for c in r["commitments"])
    kinds = {r["later"]["kind"] for r in rows} | {"attachment" for r in rows
                                                  if r["later"]["attachments"]}
    assert kinds == {"email", "meeting", "attachment"}
    assert 0.25 < len(split.rows("test")) / len(rows) < 0.45


def test_every_look_at_the_test_part_is_counted_in_the_docs() -> None:
    looks = len(split.LOOKS.read_text(encoding="utf-8").splitlines())
    assert looks >= 1
    found = re.search(r"auto-close test part was scored (\d+) times?",
                      DOCS.read_text(encoding="utf-8"))
    assert found and int(found.group(1)) == looks
