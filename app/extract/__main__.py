"""``python -m app.extract [--input FILE] [--output FILE]``: JSON Lines in, one result per line out.

A line that is not valid JSON or lacks ``id``/``body`` gives ``{"id": ..., "error": ...}`` and
the run goes on; a summary goes to stderr. The model name comes from STORYLINE_SPACY_MODEL
through the project's settings.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from typing import IO, Any

from .io import BadEmail, email_from_json
from .pipeline import Extractor
from .types import EmailIn

BATCH = 64


def _lines(stream: IO[bytes]) -> Iterator[str]:
    for raw in stream:
        # bytes that are not UTF-8 must not stop the run; they become U+FFFD
        yield raw.decode("utf-8", errors="replace").strip()


def _decode(line: str) -> EmailIn | dict[str, Any]:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "error": f"invalid JSON: {exc.msg} at column {exc.colno}"}
    except RecursionError:
        return {"id": None, "error": "invalid JSON: nested too deep"}
    try:
        return email_from_json(obj)
    except BadEmail as exc:
        ident = obj.get("id") if isinstance(obj, dict) else None
        return {"id": ident if isinstance(ident, str | int) else None, "error": str(exc)}


def _extract_each(extractor: Extractor, emails: list[EmailIn]) -> list[Any]:
    """Results for a batch; when the batch fails, one by one, a failing email giving its
    ``{"id", "error"}`` so the lines after it still get theirs."""
    try:
        return list(extractor.extract_many(emails))
    except Exception:  # noqa: BLE001 - find the one email that fails, keep the others
        out: list[Any] = []
        for email in emails:
            try:
                out.extend(extractor.extract_many([email]))
            except Exception as exc:  # noqa: BLE001 - reported on its own line
                out.append({"id": email.id, "error": f"not analysed ({type(exc).__name__})"})
        return out


def run(extractor: Extractor, src: IO[bytes], dst: IO[str], err: IO[str]) -> dict[str, int]:
    """Streams ``src`` through the extractor into ``dst``; returns the summary counts."""
    counts = {"emails": 0, "errors": 0, "commitments": 0, "signals": 0, "truncated": 0}
    batch: list[EmailIn | dict[str, Any]] = []

    def flush() -> None:
        emails = [b for b in batch if isinstance(b, EmailIn)]
        results = iter(_extract_each(extractor, emails))
        for item in batch:
            res: Any = item if isinstance(item, dict) else next(results)
            if isinstance(res, dict):
                counts["errors"] += 1
                out = res
            else:
                counts["commitments"] += len(res.commitments)
                counts["signals"] += len(res.signals)
                counts["truncated"] += int(res.truncated)
                out = res.to_dict()
            counts["emails"] += 1
            dst.write(json.dumps(out, ensure_ascii=False) + "\n")
        batch.clear()

    for line in _lines(src):
        if not line:
            continue
        batch.append(_decode(line))
        if len(batch) >= BATCH:
            flush()
    flush()
    return counts


def main(argv: list[str] | None = None) -> int:
    """The command line; returns the exit status (0 even when some lines had errors)."""
    parser = argparse.ArgumentParser(prog="python -m app.extract", description=__doc__)
    parser.add_argument("--input", help="JSON Lines file (default: stdin)")
    parser.add_argument("--output", help="JSON Lines file (default: stdout)")
    parser.add_argument("--model", help="spaCy model name (default: STORYLINE_SPACY_MODEL)")
    args = parser.parse_args(argv)
    model = args.model
    if model is None:
        from app.settings import load_settings  # the one project import extract allows

        model = load_settings().spacy_model
    started = time.perf_counter()
    extractor = Extractor.from_settings(model)
    src = open(args.input, "rb") if args.input else sys.stdin.buffer  # noqa: SIM115
    dst = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    try:
        counts = run(extractor, src, dst, sys.stderr)
    finally:
        if args.input:
            src.close()
        if args.output:
            dst.close()
    elapsed = time.perf_counter() - started
    print(
        f"app.extract: {counts['emails']} lines, {counts['errors']} errors, "
        f"{counts['commitments']} commitments, {counts['signals']} signals, "
        f"{counts['truncated']} truncated, {elapsed:.1f}s, model="
        f"{model if extractor.has_model else 'blank en (fallback)'}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
