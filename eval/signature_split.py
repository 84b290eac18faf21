"""The dev/test split of the signature set, frozen, and the count of looks at its test part.

Its own split (issue 15, item 6), apart from the commitment labels' (``eval/split.py``): the
722 emails of ``signature-zones-train.jsonl`` go by a salted hash of the email id, 70 % to dev
and 30 % to test; a block of ``signatures-train.jsonl`` goes with its email. Membership never
depends on what is in an email.

``eval/frozen-signatures.json`` holds the checksums of the test part: the sorted test email
ids, their signature labels (zone spans and block rows, hashed: no text is committed) and the
counts. ``tests/extract/test_extract_eval_frozen_signatures.py`` recomputes them, so the test
part cannot change without a test failing. Every run that scores the test part appends a line
to ``eval/test-looks-signatures.jsonl``; errors are printed for dev only, never for test.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import data, split

HERE = Path(__file__).resolve().parent
FROZEN = HERE / "frozen-signatures.json"
LOOKS = HERE / "test-looks-signatures.jsonl"
ZONES = data.DATASETS / "signature-zones-train.jsonl"
BLOCKS = data.DATASETS / "signatures-train.jsonl"
SALT = "storyline-issue-15-signatures"
TEST_FRACTION = 0.3


def unit(key: str) -> float:
    """A number in [0, 1) from a salted hash of ``key``."""
    digest = hashlib.sha256(f"{SALT}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def part(email_id: str) -> str:
    """``"test"`` or ``"dev"`` for an email of the signature set."""
    return "test" if unit(email_id) < TEST_FRACTION else "dev"


def fold(email_id: str, folds: int) -> int:
    """The cross-validation fold of a dev email (a second salted hash, not the split's)."""
    return int(unit("fold:" + email_id) * folds)


def available() -> bool:
    """True when the signature sets are on this machine."""
    return ZONES.exists() and BLOCKS.exists()


def zone_rows() -> list[dict[str, Any]]:
    """The emails of the zones set ([] without the sets)."""
    return list(data.read_jsonl(ZONES)) if ZONES.exists() else []


def block_rows() -> list[dict[str, Any]]:
    """The labelled signature blocks ([] without the sets)."""
    return list(data.read_jsonl(BLOCKS)) if BLOCKS.exists() else []


def _sha(lines: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def checksums(zones: list[dict[str, Any]], blocks: list[dict[str, Any]]) -> dict[str, Any]:
    """The checksums and sizes of the test part (hashes and counts only)."""
    test_zones = sorted((r for r in zones if part(r["id"]) == "test"), key=lambda r: r["id"])
    test_blocks = sorted((r for r in blocks if part(r["email_id"]) == "test"),
                         key=lambda r: r["id"])
    sig_spans = [
        json.dumps({"id": r["id"], "detailed": bool(r.get("has_detailed_annotation")),
                    "spans": sorted([s["start"], s["end"], s["type"], s["text"]]
                                     for s in r["spans"]
                                     if s["type"].startswith(("Body/Signature", "Body/Outro",
                                                              "Header")))},
                   sort_keys=True)
        for r in test_zones
    ]
    return {
        "emails": len(zones),
        "emails_test": len(test_zones),
        "emails_test_detailed": sum(bool(r.get("has_detailed_annotation")) for r in test_zones),
        "blocks": len(blocks),
        "blocks_test": len(test_blocks),
        "emails_test_ids_sha256": _sha(r["id"] for r in test_zones),
        "emails_test_labels_sha256": _sha(sig_spans),
        "blocks_test_sha256": _sha(json.dumps(
            {k: r[k] for k in ("id", "email_id", "start", "end", "signature_text", "fields")},
            sort_keys=True) for r in test_blocks),
        "salt": SALT,
        "test_fraction": TEST_FRACTION,
    }


def frozen() -> dict[str, Any]:
    """The committed checksums and sizes of the test part."""
    return dict(json.loads(FROZEN.read_text(encoding="utf-8")))


def record_look(what: str) -> int:
    """Appends one look at the signature test part to its own log; returns how many."""
    return split.record_look(what, LOOKS)


def looks() -> int:
    """How many times the signature test part has been scored."""
    return split.looks(LOOKS)


if __name__ == "__main__":  # writes the frozen file (once, before any look)
    if FROZEN.exists():
        raise SystemExit(f"{FROZEN} exists: the test part is frozen")
    FROZEN.write_text(json.dumps(checksums(zone_rows(), block_rows()), indent=1,
                                 sort_keys=True) + "\n", encoding="utf-8")
