"""Extraction benchmark: speed of three strategies side by side, and quality.

    .venv/bin/python -m bench.extract_bench            # speed (a) naive, (b) ours, (c) tokenizer
    .venv/bin/python -m bench.extract_bench --quality  # P/R/F1 on the labelled sets
    .venv/bin/python -m bench.extract_bench --intent   # only the Enron intent set (~10 s)
    .venv/bin/python -m bench.extract_bench --signatures  # only signature fields (~1 s)

Prints one JSON object per line and figure. Speed runs on the project's invented test emails
(tests/extract/data/emails.jsonl), cleaned once per email inside every timed run. Quality reads
../shared/datasets when it is there and skips those figures cleanly when it is not.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.extract import rules
from app.extract.io import email_from_json
from app.extract.pipeline import DEFAULT_MODEL, Extractor, prepare
from app.extract.prefilter import PatternSet
from app.extract.rules import commitments as rules_commitments
from app.extract.rules import signals as rules_signals
from app.extract.types import EmailIn
from eval import evaluate, evaluate_sets

ROOT = Path(__file__).resolve().parent.parent
EMAILS = ROOT / "tests" / "extract" / "data" / "emails.jsonl"
DATASETS = ROOT.parent / "shared" / "datasets"
COMPETITORS = ["Salesloop", "DealPilot", "PipeStack"]


def emit(**fields: Any) -> None:
    """Prints one figure as a JSON line."""
    print(json.dumps(fields), flush=True)


def _rows() -> list[dict[str, Any]]:
    return list(evaluate.read_jsonl(EMAILS))


def _timed(fn: Callable[[], Any]) -> tuple[float, float]:
    """One run's (wall seconds, CPU seconds of this process).

    CPU time is what the other jobs on a shared machine disturb least; wall time is what a
    user waits for. Both are reported.
    """
    w0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w0, time.process_time() - c0


def speed(model: str, reps: int) -> None:
    """Emails/s for (a) nlp(text) per email, (b) candidates + nlp.pipe, (c) tokenizer only."""
    rows = _rows()
    emails = [email_from_json(r) for r in rows]
    words = sum(len(prepare(e).reply_text.split()) for e in emails)
    full = Extractor.from_settings(model, strategy="full")
    ours = Extractor.from_settings(model, strategy="candidates")
    tok = full.nlp.tokenizer

    def naive() -> None:
        for e in emails:  # one email at a time, the whole new part through the whole pipeline
            full.extract_many([e], competitors=COMPETITORS)

    def candidates() -> None:
        ours.extract_many(emails, competitors=COMPETITORS)

    def tokenizer_only() -> None:
        for e in emails:
            tok(prepare(e).reply_text)

    # (b) with every rule pattern tried by Python's re alone, as before the RE2 prefilter
    # (app/extract/prefilter.py): what the prefilter is worth, measured side by side
    # (the rules package's modules hold their own references: those are what is swapped)
    filtered = rules_commitments.commitment_set, rules_signals.signal_set
    plain_c = PatternSet([p.regex for p in rules.commitment_patterns()], use_re2=False)
    plain_s = PatternSet([p.regex for p in rules.signal_patterns()], use_re2=False)

    def candidates_without_prefilter() -> None:
        rules_commitments.commitment_set = lambda: plain_c  # type: ignore[assignment]
        rules_signals.signal_set = lambda: plain_s  # type: ignore[assignment]
        try:
            ours.extract_many(emails, competitors=COMPETITORS)
        finally:
            rules_commitments.commitment_set, rules_signals.signal_set = filtered

    naive()  # warm up caches and lazy pattern loading once for all three
    runs = {
        "a_naive_full_pipeline": naive,
        "b_ours_candidates_pipe": candidates,
        "c_tokenizer_only": tokenizer_only,
        "b_without_re2_prefilter": candidates_without_prefilter,
    }
    wall: dict[str, list[float]] = {name: [] for name in runs}
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(reps):  # interleaved so that machine noise hits all three alike
        for name, fn in runs.items():
            w, c = _timed(fn)
            wall[name].append(w)
            cpu[name].append(c)
    for name in runs:
        med, cpu_med = statistics.median(wall[name]), statistics.median(cpu[name])
        emit(
            figure="emails_per_s",
            variant=name,
            median=round(len(emails) / med, 1),
            words_per_s=round(words / med),
            per_cpu_second=round(len(emails) / cpu_med, 1),
            runs=[round(len(emails) / t, 1) for t in wall[name]],
            emails=len(emails),
            words=words,
            model=model if full.has_model else "blank",
        )
    a, b = "a_naive_full_pipeline", "b_ours_candidates_pipe"
    emit(
        figure="speedup_b_over_a",
        median=round(statistics.median(wall[a]) / statistics.median(wall[b]), 2),
        cpu_median=round(statistics.median(cpu[a]) / statistics.median(cpu[b]), 2),
        cpu_per_run=sorted(round(x / y, 2) for x, y in zip(cpu[a], cpu[b], strict=True)),
    )
    plain = "b_without_re2_prefilter"
    emit(
        figure="speedup_b_over_b_without_prefilter",
        cpu_median=round(statistics.median(cpu[plain]) / statistics.median(cpu[b]), 2),
        a_over_b_without_prefilter_cpu=round(
            statistics.median(cpu[a]) / statistics.median(cpu[plain]), 2),
    )
    for name, ex in (("a_naive_full_pipeline", full), ("b_ours_candidates_pipe", ours)):
        q = evaluate.score_labelled(rows, ex)
        emit(
            figure="quality",
            variant=name,
            data="own_labelled",
            commitments_f1=q["commitments"]["f1"],
            signals_f1=q["signals"]["f1"],
            due_exact=q["due_exact"],
        )
        if (DATASETS / "email-intent-train.jsonl").exists():
            intent = evaluate_sets.score_intent(
                evaluate.read_jsonl(DATASETS / "email-intent-train.jsonl"), ex
            )
            emit(figure="quality", variant=name, data="email-intent-train", **intent)
    probe = subprocess.run(
        [sys.executable, "-m", "bench.extract_bench", "--rss-probe", "--model", model],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    emit(**json.loads(probe.stdout))
    emit(
        figure="peak_rss_mb",
        variant="this_bench_process_all_three",
        value=peak_rss_mb(),
    )


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM; ru_maxrss survives fork+exec on Linux)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def rss_probe(model: str) -> None:
    """A worker's peak resident memory: load once, extract every test email with (b)."""
    ex = Extractor.from_settings(model)
    emails: list[EmailIn] = [email_from_json(r) for r in _rows()]
    for _ in range(3):
        ex.extract_many(emails, competitors=COMPETITORS)
    emit(figure="peak_rss_mb", variant="worker_b_ours", value=peak_rss_mb())


def quality(model: str) -> None:
    """P/R/F1 per output on our labelled emails and on the development sets."""
    ex = Extractor.from_settings(model)
    emit(
        figure="quality",
        data="own_labelled",
        model=model if ex.has_model else "blank",
        **evaluate.score_labelled(_rows(), ex),
    )
    if not DATASETS.exists():
        emit(figure="quality", data="shared datasets", skipped=f"{DATASETS} not found")
        return
    intent_quality(ex)
    zones = signature_quality()
    emit(
        figure="reply_split",
        data="signature-zones-train",
        **evaluate_sets.score_reply_splitters(zones, _splitters()),
    )


def signature_quality() -> list[dict[str, Any]]:
    """Signature fields end to end and given the gold block: all, dev half A, held-out half B.

    Needs no model (the signature rules are plain Python); returns the zone rows for reuse.
    """
    zones = list(evaluate.read_jsonl(DATASETS / "signature-zones-train.jsonl"))
    for part, figures in evaluate_sets.score_signature_zone_halves(zones).items():
        emit(figure="quality", data="signature-zones-train (end to end)", part=part, **figures)
    blocks = evaluate.read_jsonl(DATASETS / "signatures-train.jsonl")
    for part, figures in evaluate_sets.score_signature_block_halves(blocks).items():
        emit(figure="quality", data="signatures-train (given the block)", part=part, **figures)
    return zones


def intent_quality(ex: Extractor) -> None:
    """Requests/commitments on the Enron intent set: all rows, dev half A, held-out half B."""
    intent = list(evaluate.read_jsonl(DATASETS / "email-intent-train.jsonl"))
    for part, figures in evaluate_sets.score_intent_halves(intent, ex).items():
        emit(figure="quality", data="email-intent-train", part=part, variant="b_ours", **figures)


def _splitters() -> dict[str, Callable[[str], str]]:
    from email_reply_parser import EmailReplyParser
    from mailparser_reply import EmailReplyParser as MailParserReply

    mpr = MailParserReply(languages=["en", "de", "fr", "es", "it", "nl"])
    return {
        "ours (app.extract.reply)": evaluate_sets.ours,
        "email-reply-parser 0.5.12": EmailReplyParser.parse_reply,
        "mail-parser-reply 1.36": lambda t: mpr.parse_reply(text=t),
    }


def main(argv: list[str] | None = None) -> int:
    """Runs the speed figures (default), the quality figures, or the memory probe."""
    parser = argparse.ArgumentParser(prog="python -m bench.extract_bench")
    parser.add_argument("--quality", action="store_true", help="P/R/F1 instead of speed")
    parser.add_argument("--reps", type=int, default=7, help="timed repetitions (median reported)")
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument(
        "--intent",
        action="store_true",
        help="only requests/commitments on the Enron intent set (all, dev half, held-out half)",
    )
    parser.add_argument(
        "--signatures",
        action="store_true",
        help="only signature fields (end to end and given the block; all, dev half, held-out half)",
    )
    parser.add_argument("--rss-probe", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rss_probe:
        rss_probe(args.model)
    elif args.intent:
        if not (DATASETS / "email-intent-train.jsonl").exists():
            emit(figure="quality", data="email-intent-train", skipped=f"{DATASETS} not found")
        else:
            intent_quality(Extractor.from_settings(args.model))
    elif args.signatures:
        if not (DATASETS / "signature-zones-train.jsonl").exists():
            emit(figure="quality", data="signature-zones-train", skipped=f"{DATASETS} not found")
        else:
            signature_quality()
    elif args.quality:
        quality(args.model)
    else:
        speed(args.model, args.reps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
