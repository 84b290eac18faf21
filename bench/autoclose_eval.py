"""Auto-close on the labelled invented threads: precision and recall of "this later mail (or
meeting) delivers that open commitment", scored per commitment.

    python -m bench.autoclose_eval --part dev     # tune on this; errors are printed
    python -m bench.autoclose_eval --part test    # the frozen part: figures only, each look logged

The detector is the product's (``app.records.delivery``); a meeting labelled ``held`` ended an
hour before the moment of scoring, one not held starts tomorrow.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from app.records.delivery import LaterItem, OpenItem, delivers
from bench import autoclose_split as split

NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)


@dataclass
class Score:
    """Counts of one part and the errors behind them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """Of the closes made, the share that were right (1.0 when none were made)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Of the deliveries, the share closed."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def later_of(row: dict[str, Any], now: datetime = NOW) -> LaterItem:
    """The row's later interaction as the detector sees it."""
    m = row["later"]
    start = now - timedelta(hours=2) if m.get("held", True) else now + timedelta(days=1)
    return LaterItem(kind=m["kind"], direction=m["direction"], subject=m["subject"],
                     body=m["body"], attachments=tuple(m["attachments"]),
                     cancelled=m["cancelled"], occurred_at=start,
                     ends_at=start + timedelta(hours=1) if m["kind"] == "meeting" else None)


def score(rows: list[dict[str, Any]]) -> Score:
    """Scores every (commitment, later interaction) pair of ``rows``."""
    out = Score()
    for row in rows:
        later = later_of(row)
        for c in row["commitments"]:
            found = delivers(OpenItem(kind=c["kind"], side=c["side"], action=c["action"]),
                             later, now=NOW)
            if found and c["delivers"]:
                out.tp += 1
            elif found:
                out.fp += 1
                out.errors.append(f"FP {row['thread']} [{row['note']}] {c['action']!r}: "
                                  f"{found.evidence!r}")
            elif c["delivers"]:
                out.fn += 1
                out.errors.append(f"FN {row['thread']} [{row['note']}] {c['action']!r}: "
                                  f"{row['later']['body'][:120]!r} {row['later']['attachments']}")
            else:
                out.tn += 1
    return out


def main(argv: list[str] | None = None) -> int:
    """Prints the part's figures (and, for dev, its errors); logs a look at the test part."""
    parser = argparse.ArgumentParser(prog="python -m bench.autoclose_eval")
    parser.add_argument("--part", choices=("dev", "test"), required=True)
    parser.add_argument("--why", default="autoclose_eval", help="logged with a test look")
    args = parser.parse_args(argv)
    rows = split.rows(args.part)
    result = score(rows)
    figures: dict[str, Any] = {
        "part": args.part, "threads": len(rows), "pairs": result.tp + result.fp + result.fn
        + result.tn, "delivered": result.tp + result.fn, "tp": result.tp, "fp": result.fp,
        "fn": result.fn, "tn": result.tn, "precision": round(result.precision, 3),
        "recall": round(result.recall, 3)}
    if args.part == "test":
        figures["look"] = split.note_look(args.why)
    else:
        for line in result.errors:
            print(line)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
