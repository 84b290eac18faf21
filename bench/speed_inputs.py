"""Writes the real-mail inputs of the whole-process speed figure (outside the repository).

    .venv/bin/python -m bench.speed_inputs OUT_DIR    # OUT_DIR/emails1000.jsonl, emails10.jsonl

The bodies of the development sets in ../shared/datasets: every email of the signature-zones
set (with its quoted history, as mail arrives), every MailEx turn, and earlier MailEx turns
from the threads' context that are not turns of their own, up to 1,000. Never commit them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from eval import data


def bodies() -> list[str]:
    """Up to 1,000 distinct real bodies, in a fixed order."""
    out: list[str] = [r["text"] for r in data.read_jsonl(
        data.DATASETS / "signature-zones-train.jsonl")]
    turns = list(data.read_jsonl(data.DATASETS / "mailex-events-train.jsonl"))
    out += [t["text"] for t in turns]
    seen = set(out)
    for t in turns:
        for c in t["context"]:
            if c not in seen and len(out) < 1000:
                seen.add(c)
                out.append(c)
    return out[:1000]


def main(argv: list[str] | None = None) -> int:
    """Writes the two input files; prints how many bodies the large one has."""
    target = Path((argv or sys.argv[1:])[0])
    target.mkdir(parents=True, exist_ok=True)
    rows = [{"id": f"m{i}", "body": b} for i, b in enumerate(bodies())]
    for name, part in (("emails1000.jsonl", rows), ("emails10.jsonl", rows[:10])):
        with (target / name).open("w", encoding="utf-8") as fh:
            for r in part:
                fh.write(json.dumps(r) + "\n")
    print(len(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
