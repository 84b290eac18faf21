"""The baseline of the whole-process speed figure: ``for body in bodies: nlp(body)``.

    .venv/bin/python -m bench.plain_loop --input EMAILS.jsonl

The same pipeline ``python -m app.extract`` builds (the English model with the entity ruler
and the storyline components), on each raw body, one at a time, nothing else. Compared as
whole processes in docs/PERFORMANCE.md (the time of 1,000 emails minus the time of 10).
"""

from __future__ import annotations

import argparse
import json
import sys

from app.extract.pipeline import DEFAULT_MODEL, build_nlp


def main(argv: list[str] | None = None) -> int:
    """Reads the bodies, runs ``nlp(body)`` on each; prints how many were read."""
    ap = argparse.ArgumentParser(prog="python -m bench.plain_loop", description=__doc__)
    ap.add_argument("--input", required=True)
    ap.add_argument("--model", default=DEFAULT_MODEL)
    args = ap.parse_args(argv)
    nlp, _ = build_nlp(args.model)
    with open(args.input, encoding="utf-8") as fh:
        bodies = [json.loads(line)["body"] for line in fh if line.strip()]
    for body in bodies:
        nlp(body)
    print(f"{len(bodies)} bodies", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
