"""Agreement between the first labels and a second pass over some of the same emails.

    .venv/bin/python -m eval.agreement            # both second passes against the first
    .venv/bin/python -m eval.agreement --json     # the same figures as JSON

The first pass is ``emails.jsonl`` + ``emails-dev-more.jsonl``. Two second passes are compared
with it, each on the emails it covers:

- ``second-annotator.jsonl``: an independent annotator (who never saw the first labels),
  109 emails, a fifth of the 545: the ids sorted by ``sha1("agree:" + id)``, the first 109
  (``fifth``), a rule that does not look at labels;
- ``second-pass.jsonl``: the first annotator again, later, without the first labels (84
  emails): consistency, not independent agreement. Shown for comparison.

Per label, three figures:

- sentence level: every sentence of the new part (one shared cut, ``split_sentences`` of
  ``text[:new_end]``) counts as labelled with a kind when a span of that kind overlaps it; the
  observed agreement over all sentences and Cohen's kappa of the two passes;
- span level: the second pass scored against the first as ``eval/score.py`` scores findings
  (a first span is found when a second span overlaps it; a second span overlapping none is a
  false positive), P / R / F1 with the counts; dues are their date phrases, so a due matches
  when the phrases overlap;
- the counts of spans in each pass.

Only ids, figures and kinds are printed, never text.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.extract.segment import split_sentences
from app.extract.types import SIGNAL_KINDS

from . import data
from .score import Tally, _overlap

SECOND_ANNOTATOR = data.LABELS.with_name("second-annotator.jsonl")
SECOND_PASS = data.LABELS.with_name("second-pass.jsonl")
KINDS: tuple[str, ...] = ("request", "promise", "due") + tuple("signal:" + k for k in SIGNAL_KINDS)
SIGNALS = "signals (all kinds)"
FIFTH_SALT = "agree:"


def fifth(ids: Iterable[str], n: int | None = None) -> list[str]:
    """The independent pass's emails: ``ids`` sorted by ``sha1(FIFTH_SALT + id)``, the first
    ``n`` (a fifth, rounded, by default). Looks at ids only, never at labels."""
    ids = list(ids)
    keep = round(len(ids) / 5) if n is None else n
    return sorted(ids, key=lambda i: hashlib.sha1((FIFTH_SALT + i).encode()).hexdigest())[:keep]


def cohen_kappa(both: int, only_a: int, only_b: int, neither: int) -> float | None:
    """Cohen's kappa of two raters' yes/no over the same items, from the 2x2 counts; None
    when chance agreement is total (both raters said the same thing of every item)."""
    n = both + only_a + only_b + neither
    if not n:
        return None
    observed = (both + neither) / n
    yes_a, yes_b = (both + only_a) / n, (both + only_b) / n
    chance = yes_a * yes_b + (1 - yes_a) * (1 - yes_b)
    if chance >= 1:
        return None
    return (observed - chance) / (1 - chance)


@dataclass
class Table:
    """The 2x2 sentence counts of one label: both passes, only the first, only the second."""

    both: int = 0
    first: int = 0
    second: int = 0
    neither: int = 0

    def add(self, a: bool, b: bool) -> None:
        """One sentence: ``a`` the first pass labelled it, ``b`` the second did."""
        if a and b:
            self.both += 1
        elif a:
            self.first += 1
        elif b:
            self.second += 1
        else:
            self.neither += 1

    def figures(self) -> dict[str, Any]:
        """Observed agreement, kappa and the counts."""
        n = self.both + self.first + self.second + self.neither
        k = cohen_kappa(self.both, self.first, self.second, self.neither)
        return {"agree": _r((self.both + self.neither) / n if n else None),
                "kappa": _r(k), "both": self.both, "only_first": self.first,
                "only_second": self.second, "sentences": n}


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


Spans = Sequence[tuple[int, int]]


def _spans(rows: Iterable[data.Span], label: str) -> list[tuple[int, int]]:
    if label == SIGNALS:
        return [(s.start, s.end) for s in rows if s.label.startswith("signal:")]
    return [(s.start, s.end) for s in rows if s.label == label]


def compare(items: Sequence[data.LabelledEmail],
            second: dict[str, list[data.Span]]) -> dict[str, Any]:
    """The figures of ``second`` (spans by email id) against the first pass on its emails."""
    mine = [i for i in items if i.id in second]
    missing = sorted(set(second) - {i.id for i in mine})
    out: dict[str, Any] = {"emails": len(mine), "sentences": 0, "missing": missing, "labels": {}}
    labels = list(KINDS) + [SIGNALS]
    tables = {k: Table() for k in labels}
    tallies = {k: Tally() for k in labels}
    counts = {k: [0, 0] for k in labels}
    for item in mine:
        sentences = split_sentences(item.text[: item.new_end])
        out["sentences"] += len(sentences)
        for k in labels:
            a, b = _spans(item.spans, k), _spans(second[item.id], k)
            counts[k][0] += len(a)
            counts[k][1] += len(b)
            for s in sentences:
                tables[k].add(any(_overlap(s, x) for x in a), any(_overlap(s, y) for y in b))
            hit = [any(_overlap(x, y) for y in b) for x in a]
            tallies[k].tp += sum(hit)
            tallies[k].fn += len(hit) - sum(hit)
            tallies[k].fp += len({y for y in b if not any(_overlap(x, y) for x in a)})
    for k in labels:
        out["labels"][k] = {"sentence": tables[k].figures(), "span": tallies[k].figures(),
                            "first_spans": counts[k][0], "second_spans": counts[k][1]}
    return out


def read_pass(path: Path) -> dict[str, list[data.Span]]:
    """A second pass's spans by email id."""
    return {r["id"]: [data.Span(int(s["start"]), int(s["end"]), str(s["label"]))
                      for s in r["spans"]] for r in data.read_jsonl(path)}


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def render(name: str, res: dict[str, Any]) -> str:
    """One comparison as a plain table (labels both passes left empty are skipped)."""
    lines = [f"{name}: {res['emails']} emails, {res['sentences']} sentences"
             + (f" ({len(res['missing'])} ids not in the first pass)" if res["missing"] else ""),
             f"  {'label':<24} {'first':>5} {'second':>6}   {'agree':>5} {'kappa':>5}"
             f"   {'P':>4} {'R':>4} {'F1':>4}  (tp fp fn)"]
    for k, f in res["labels"].items():
        if not (f["first_spans"] or f["second_spans"]):
            continue
        s, p = f["sentence"], f["span"]
        lines.append(f"  {k:<24} {f['first_spans']:>5} {f['second_spans']:>6}   "
                     f"{_fmt(s['agree']):>5} {_fmt(s['kappa']):>5}   {_fmt(p['p']):>4} "
                     f"{_fmt(p['r']):>4} {_fmt(p['f1']):>4}  ({p['tp']} {p['fp']} {p['fn']})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """The command line: the independent pass, then the same annotator's, against the first."""
    ap = argparse.ArgumentParser(prog="python -m eval.agreement", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    if not data.available():
        print("development sets not found: nothing to compare", file=sys.stderr)
        return 0
    items = data.load()
    out: dict[str, Any] = {}
    for name, path in (("independent (second-annotator.jsonl)", SECOND_ANNOTATOR),
                       ("same annotator (second-pass.jsonl)", SECOND_PASS)):
        if path.exists():
            out[name] = compare(items, read_pass(path))
    if args.json:
        print(json.dumps(out, indent=1))
    else:
        print("\n\n".join(render(k, v) for k, v in out.items()))
        print("\nfirst/second = spans in each pass; agree, kappa = sentence level; "
              "P/R/F1 = the second pass's spans against the first's, by overlap")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
