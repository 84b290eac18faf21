"""Scoring the extraction: precision/recall/F1 on labelled data (used by bench and tests).

Readers for the development sets in ``../shared/datasets`` return only what scoring needs and
nothing is ever written out but aggregate numbers (the texts are real people's mail).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.extract.io import email_from_json
from app.extract.pipeline import Extractor
from app.extract.types import ExtractionResult


@dataclass
class PRF:
    """Counts of true positives, false positives and false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: PRF) -> None:
        """Adds another tally into this one."""
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        """tp / (tp + fn); 0 when nothing was expected."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        """The figures rounded for reports."""
        return {
            "p": round(self.precision, 3),
            "r": round(self.recall, 3),
            "f1": round(self.f1, 3),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Yields the JSON objects of a JSON Lines file."""
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


# --- the project's own labelled emails ------------------------------------------------------


def score_labelled(rows: list[dict[str, Any]], extractor: Extractor) -> dict[str, Any]:
    """Scores commitments, due dates, signals and signatures on our labelled test emails."""
    results = extractor.extract_many(
        [email_from_json(r) for r in rows], competitors=["Salesloop", "DealPilot", "PipeStack"]
    )
    return score_results(rows, results)


def score_results(rows: list[dict[str, Any]], results: list[ExtractionResult]) -> dict[str, Any]:
    """Scores already computed results against the ``gold`` of each row."""
    commit, sig = {"promise": PRF(), "request": PRF()}, Counter[str]()
    signals: dict[str, PRF] = {}
    due_ok = due_n = owner_ok = 0
    sig_fields = PRF()
    for row, res in zip(rows, results, strict=True):
        gold = row["gold"]
        preds = list(res.commitments)
        for g in gold["commitments"]:
            hit = next(
                (p for p in preds if p.kind == g["kind"] and _same(p.text, g["evidence"])), None
            )
            if hit is None:
                commit[g["kind"]].fn += 1
                continue
            preds.remove(hit)
            commit[g["kind"]].tp += 1
            owner_ok += hit.owner == g["owner"]
            if g["due"]:
                due_n += 1
                due_ok += hit.due is not None and hit.due.isoformat() == g["due"]
        for p in preds:
            commit[p.kind].fp += 1
        found = {(s.kind, _norm(_sentence_of(res.reply_text, s.start))) for s in res.signals}
        expected = {(g["kind"], _norm(g["evidence"])) for g in gold["signals"]}
        for kind in {k for k, _ in found | expected}:
            tally = signals.setdefault(kind, PRF())
            f = {e for k, e in found if k == kind}
            e = {e for k, e in expected if k == kind}
            matched = {x for x in f if any(x in y or y in x for y in e)}
            tally.tp += len(matched)
            tally.fp += len(f - matched)
            tally.fn += max(0, len(e) - len(matched))
        sig_fields.add(_score_signature(gold.get("signature"), res))
        sig["emails"] += 1
    all_c, all_s = PRF(), PRF()
    for t in commit.values():
        all_c.add(t)
    for t in signals.values():
        all_s.add(t)
    return {
        "emails": sig["emails"],
        "commitments": all_c.as_dict(),
        "promise": commit["promise"].as_dict(),
        "request": commit["request"].as_dict(),
        "owner_accuracy": round(owner_ok / max(1, all_c.tp), 3),
        "due_exact": round(due_ok / max(1, due_n), 3),
        "due_n": due_n,
        "signals": all_s.as_dict(),
        "signals_by_kind": {k: v.as_dict() for k, v in sorted(signals.items())},
        "signature_fields": sig_fields.as_dict(),
    }


def _same(pred_text: str, evidence: str) -> bool:
    a, b = _norm(pred_text), _norm(evidence)
    return bool(a and b) and (b in a or a in b)


def _sentence_of(text: str, pos: int) -> str:
    start = max(text.rfind(c, 0, pos) for c in ".?!\n") + 1
    ends = [i for i in (text.find(c, pos) for c in ".?!\n") if i >= 0]
    return text[start : min(ends) if ends else len(text)]


def _score_signature(gold: dict[str, Any] | None, res: ExtractionResult) -> PRF:
    tally = PRF()
    if not gold:
        return tally
    s = res.signature
    pairs = [
        (gold["name"], s.name if s else None),
        (gold["title"], s.title if s else None),
        (gold["company"], s.company if s else None),
    ]
    for g, p in pairs:
        _field(tally, {_norm(g)}, {_norm(p)} if p else set())
    phones = {re.sub(r"\D", "", x)[-9:] for x in (s.phones if s else [])}
    _field(tally, {gold["phone_digits"]}, phones)
    _field(tally, {e.lower() for e in gold["emails"]}, {e.lower() for e in (s.emails if s else [])})
    return tally


def _field(tally: PRF, gold: set[str], pred: set[str]) -> None:
    tally.tp += len(gold & pred)
    tally.fp += len(pred - gold)
    tally.fn += len(gold - pred)
