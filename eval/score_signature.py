"""Scores the signature fields on the signature set's own split (``eval/signature_split.py``).

    .venv/bin/python -m eval.score_signature                # dev figures (rules and model)
    .venv/bin/python -m eval.score_signature --errors       # and the dev errors (dev only)
    .venv/bin/python -m eval.score_signature --test         # frozen-test figures (logged)

Two figures per part, P/R/F1 per field: end to end (reply split, block finding, parsing) on
the emails with detailed zones, and given the labelled block (parsing alone). ``rules`` is the
parser without the trained line model, ``model`` the shipped one (on dev, in-sample: it was
trained there; ``make train`` prints the cross-validated dev figures). The test part prints
aggregates only and each run with ``--test`` is a look, logged in
``eval/test-looks-signatures.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import Any

from eval import evaluate_sets
from eval import signature_split as sigsplit


def parts() -> dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """``{"dev": (zones, blocks), "test": (zones, blocks)}``."""
    zones, blocks = sigsplit.zone_rows(), sigsplit.block_rows()
    return {p: ([r for r in zones if sigsplit.part(r["id"]) == p],
                [r for r in blocks if sigsplit.part(r["email_id"]) == p])
            for p in ("dev", "test")}


def _brief(figures: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in figures.items() if k != "by_field"}
    out["by_field"] = {
        k: {m: v[m] for m in ("p", "r", "f1", "tp", "fp", "fn") if m in v}
        for k, v in figures["by_field"].items()
    }
    return out


def report(zones: Iterable[dict[str, Any]], blocks: Iterable[dict[str, Any]],
           use_model: bool) -> dict[str, Any]:
    """End-to-end and given-the-block figures of one part."""
    kw = {"use_model": use_model}
    return {
        "end_to_end": _brief(evaluate_sets.score_signature_zones(zones, **kw)),
        "given_block": _brief(evaluate_sets.score_signature_blocks(blocks, **kw)),
    }


def main(argv: list[str] | None = None) -> int:
    """Print dev (or, with ``--test``, frozen-test) figures as JSON."""
    ap = argparse.ArgumentParser(prog="python -m eval.score_signature", description=__doc__)
    ap.add_argument("--test", action="store_true", help="score the frozen test part (a look)")
    ap.add_argument("--errors", action="store_true", help="print dev errors (dev only)")
    ap.add_argument("--why", default="eval.score_signature --test", help="logged with a look")
    ap.add_argument("--rules-only", action="store_true", help="only the rules")
    args = ap.parse_args(argv)
    if not sigsplit.available():
        print("the signature sets are not on this machine", file=sys.stderr)
        return 0
    by_part = parts()
    name = "test" if args.test else "dev"
    if args.test:
        sigsplit.record_look(args.why)
    zones, blocks = by_part[name]
    modes = [("rules", False)] if args.rules_only else [("rules", False), ("model", True)]
    out: dict[str, Any] = {"part": name}
    for label, use_model in modes:
        # on dev the shipped model has seen every email: its dev figure is in-sample (the
        # honest dev figure is make train's cross-validated one)
        key = label if args.test or not use_model else "model_in_sample"
        out[key] = report(zones, blocks, use_model)
    if args.test:
        out["test_looks"] = sigsplit.looks()
    elif args.errors:
        out["errors"] = evaluate_sets.signature_errors(zones, use_model=not args.rules_only)
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
