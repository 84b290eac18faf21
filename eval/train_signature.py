"""``make train`` (second step): trains the signature line model from ``eval/signature.cfg``
and the dev part of the signature set, chooses its decision thresholds by cross-validation on
dev, writes ``app/extract/model/signature/`` and prints the dev and the frozen-test figures
(the test run is logged in ``eval/test-looks-signatures.jsonl``).

    .venv/bin/python -m eval.train_signature              # train, write, score dev and test
    .venv/bin/python -m eval.train_signature --dev-only   # train and score dev only (no look)

Each part of a block line (as the parser splits it) is one example: labelled ``name``,
``title`` or ``company`` when it is exactly the labelled field, else ``other``. Examples come
from the blocks the rules find in the dev emails (end to end) and from the dev emails'
labelled blocks (``signatures-train.jsonl``). Dev figures are cross-validated by email (5
folds) and nested: a fold's thresholds are chosen on the other folds' out-of-fold scores.
Test rows never reach training or any choice made here.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.training import Example
from spacy.util import fix_random_seed, load_config, load_model_from_config

from app.extract import signature_model
from app.extract.reply import split_reply
from app.extract.signature import find_signature_start, read_block
from app.extract.signature_model import FIELDS, LABELS, Decision, Fields, choose, feature_text

from . import evaluate_sets, score_signature, train
from . import signature_split as sigsplit
from .evaluate import PRF, _field

CONFIG = Path(__file__).resolve().parent / "signature.cfg"
TAKE_GRID = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.01)
KEEP_GRID = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)
NEVER = {"take": 1.01, "keep": 0.0}  # the rules alone
SELECT: str | None = None
NEVER_DECISION = Decision({"name": 1.01, "title": 1.01, "company": 1.01},
                          {"name": 0.0, "title": 0.0, "company": 0.0})


@dataclass
class Case:
    """One block: its parts, what the rules made of it, and the labelled fields."""

    email_id: str
    source: str  # "end_to_end" (the block the rules find in the email) or "given_block"
    texts: list[str]
    rules: list[str | None]
    features: list[str]
    rule_values: Fields
    gold: dict[str, set[str]]

    def labels(self) -> list[str]:
        """The label of each part: the field it is exactly, or ``other``."""
        out = []
        for text in self.texts:
            hit = [f for f in FIELDS if norm(f, text) in self.gold[f]]
            out.append(hit[0] if hit else "other")
        return out


def norm(field: str, value: str) -> str:
    """A field's value as the scorer compares it."""
    return evaluate_sets._field_norm(field, value.rstrip(",") if field == "name" else value)


def _case(email_id: str, source: str, block: str | None, gold: dict[str, set[str]]) -> Case:
    if block is None:
        return Case(email_id, source, [], [], [], (None, None, None), gold)
    sig, segments = read_block(block, 0)
    return Case(email_id, source, [s.text for s in segments], [s.rule for s in segments],
                [feature_text(s.text, s.marks) for s in segments],
                (sig.name, sig.title, sig.company), gold)


def cases(zones: Sequence[dict[str, Any]], blocks: Sequence[dict[str, Any]]) -> list[Case]:
    """The blocks of the given (dev) rows, end to end and given the labelled block."""
    out = []
    for row in zones:
        if not row.get("has_detailed_annotation"):
            continue
        heads = [s["start"] for s in row["spans"] if s["type"] == "Header"]
        gold = evaluate_sets._gold_zone_fields(row, min(heads) if heads else len(row["text"]))
        new_part = split_reply(row["text"])[0]
        start = find_signature_start(new_part)
        block = None if start is None else new_part[start:].rstrip()
        out.append(_case(row["id"], "end_to_end", block,
                         {f: gold[f] for f in FIELDS}))
    for row in blocks:
        if not row.get("signature_text"):
            continue
        fields = row["fields"]
        gold = {"name": {norm("name", v) for v in fields.get("name", [])},
                "title": {norm("title", v) for v in fields.get("position", [])},
                "company": {norm("company", v) for v in fields.get("organisation", [])}}
        out.append(_case(row["email_id"], "given_block", row["signature_text"], gold))
    return out


def trainable(all_cases: Sequence[Case]) -> list[Case]:
    """The cases that teach: a block with no labelled field at all is unlabelled, not a block
    of ``other`` parts (out of fold on dev this kept as many right fields with fewer wrong
    ones than training on every block; both are scored)."""
    return [c for c in all_cases if c.texts and any(c.gold.values())]


def fit(cfg: Any, examples_of: Sequence[Case]) -> Language:
    """Trains a fresh pipeline on the parts of ``examples_of`` as the config says."""
    fix_random_seed(int(cfg["system"]["seed"]))
    nlp = load_model_from_config(cfg, auto_fill=True)
    textcat = nlp.get_pipe("textcat")
    for label in LABELS:
        textcat.add_label(label)  # type: ignore[attr-defined]
    examples = [
        Example.from_dict(nlp.make_doc(text), {"cats": {k: float(k == label) for k in LABELS}})
        for case in examples_of for text, label in zip(case.features, case.labels(), strict=True)
    ]
    return train.run_epochs(nlp, examples, cfg)


Scores = list[dict[str, float]]


def predict(case: Case, scores: Scores | None, decision: Decision | None) -> Fields:
    """The case's three fields: the rules' (no decision) or the model's."""
    if decision is None or not case.texts or scores is None:
        return case.rule_values
    return choose(case.texts, case.rules, scores, case.rule_values, decision)


def tally(items: Sequence[tuple[Case, Scores | None]], decision: Decision | None,
          source: str | None = None) -> dict[str, PRF]:
    """Per-field counts over the cases (of one source, or all)."""
    out = {f: PRF() for f in FIELDS}
    for case, scores in items:
        if source is not None and case.source != source:
            continue
        values = predict(case, scores, decision)
        for f, value in zip(FIELDS, values, strict=True):
            _field(out[f], case.gold[f], {norm(f, value)} if value else set())
    return out


def pick(items: Sequence[tuple[Case, Scores | None]], wrong_cost: float, margin: float
         ) -> Decision:
    """The thresholds with the best utility (right fields minus ``wrong_cost`` per wrong
    one), field by field, two rounds; a field leaves the rules' choice only for a gain of at
    least ``margin`` (ties go to the rules: the higher ``take``, the lower ``keep``)."""
    take = {f: NEVER["take"] for f in FIELDS}
    keep = {f: NEVER["keep"] for f in FIELDS}
    for _ in range(2):
        for f in FIELDS:
            def utility(t: float, k: float, f: str = f) -> tuple[float, int]:
                c = tally(items, Decision({**take, f: t}, {**keep, f: k}), SELECT)[f]
                return c.tp - wrong_cost * c.fp, c.tp
            base = utility(NEVER["take"], NEVER["keep"])
            best = (base[0] + margin, base[1], NEVER["take"], -NEVER["keep"])
            for t in TAKE_GRID:
                for k in KEEP_GRID:
                    u = utility(t, k)
                    rank = (u[0], u[1], t, -k)
                    if rank > best:
                        best = rank
            take[f], keep[f] = best[2], -best[3]
    return Decision(take, keep)


def cross_validate(cfg: Any, all_cases: list[Case]
                   ) -> tuple[list[tuple[Case, Scores | None]], list[Decision]]:
    """Out-of-fold scores of every case (its fold's model never saw its email) and, per fold,
    the thresholds chosen on the other folds' out-of-fold scores."""
    folds = int(cfg["training"]["folds"])
    of = {id(c): sigsplit.fold(c.email_id, folds) for c in all_cases}
    scored: list[tuple[Case, Scores | None]] = []
    fold_of: list[int] = []
    for k in range(folds):
        model = fit(cfg, trainable([c for c in all_cases if of[id(c)] != k]))
        for c in all_cases:
            if of[id(c)] == k:
                scores = [dict(d.cats) for d in model.pipe(c.features)] if c.texts else None
                scored.append((c, scores))
                fold_of.append(k)
    cost, margin = float(cfg["decision"]["wrong_cost"]), float(cfg["decision"]["margin"])
    nested = [pick([s for s, j in zip(scored, fold_of, strict=True) if j != k], cost, margin)
              for k in range(folds)]
    return [(c, s) for (c, s), _ in zip(scored, fold_of, strict=True)], [
        nested[j] for j in fold_of]


def _figures(t: dict[str, PRF]) -> dict[str, Any]:
    return {f: {k: v[k] for k in ("p", "r", "f1", "tp", "fp", "fn")}
            for f, c in t.items() for v in [c.as_dict()]}


def dev_figures(scored: list[tuple[Case, Scores | None]], nested: list[Decision]
                ) -> dict[str, Any]:
    """Rules and model (nested cross-validation) per field, end to end and given the block."""
    out: dict[str, Any] = {}
    for source in ("end_to_end", "given_block"):
        rules = tally(scored, None, source)
        model = {f: PRF() for f in FIELDS}
        for (case, scores), decision in zip(scored, nested, strict=True):
            for f, c in tally([(case, scores)], decision, source).items():
                model[f].add(c)
        out[source] = {"rules": _figures(rules), "model": _figures(model),
                       "blocks": sum(c.source == source for c, _ in scored)}
    return out


def strip_strings(path: Path) -> None:
    """Leaves in the saved vocabulary only a blank English pipeline's strings: the words of
    the training blocks (real people's names) must not ship. The classifier reads hashes of
    the words, not the string table, so its scores stay the same (checked here)."""
    probe = ["dana whitfield zzname zzline0", "vp procurement zztitle zzline1"]
    before = signature_model.SignatureModel(spacy.load(path), NEVER_DECISION).scores(probe)
    blank = sorted(set(spacy.blank("en").vocab.strings))
    (path / "vocab" / "strings.json").write_text(json.dumps(blank, indent=1) + "\n",
                                                 encoding="utf-8")
    after = signature_model.SignatureModel(spacy.load(path), NEVER_DECISION).scores(probe)
    assert before == after, "the stripped vocabulary changed the scores"


def guard(decision: Decision, dev: dict[str, Any], wrong_cost: float) -> Decision:
    """The rules alone for each field where the model's decision, out of fold and with its
    thresholds chosen without the fold (nested), does not beat the rules on dev (both views
    summed): the model decides a field only where dev shows it does better."""
    take, keep = dict(decision.take), dict(decision.keep)
    for f in FIELDS:
        def utility(who: str, f: str = f) -> float:
            return sum(dev[v][who][f]["tp"] - wrong_cost * dev[v][who][f]["fp"] for v in dev
                       if v != "decision")
        if utility("model") <= utility("rules"):
            take[f], keep[f] = NEVER["take"], NEVER["keep"]
    return Decision(take, keep)


def main(argv: list[str] | None = None) -> int:
    """Train, choose the thresholds, write the model, print dev (and test) figures."""
    ap = argparse.ArgumentParser(prog="python -m eval.train_signature", description=__doc__)
    ap.add_argument("--dev-only", action="store_true", help="no test look")
    ap.add_argument("--out", type=Path, default=signature_model.MODEL_DIR)
    ap.add_argument("--no-write", action="store_true", help="cross-validate only")
    args = ap.parse_args(argv)
    if not sigsplit.available():
        print("the signature sets are not found; the shipped model is left as it is",
              file=sys.stderr)
        return 0
    cfg = load_config(CONFIG)
    by_part = score_signature.parts()
    dev_cases = cases(*by_part["dev"])
    labels = [label for c in dev_cases for label in c.labels()]
    print(f"dev blocks: {len(dev_cases)}; parts: {len(labels)} "
          f"({ {k: labels.count(k) for k in LABELS} })", file=sys.stderr)
    scored, nested = cross_validate(cfg, dev_cases)
    figures: dict[str, Any] = {"dev_cross_validated": dev_figures(scored, nested)}
    decision = guard(pick(scored, float(cfg["decision"]["wrong_cost"]),
                          float(cfg["decision"]["margin"])), figures["dev_cross_validated"],
                     float(cfg["decision"]["wrong_cost"]))
    figures["decision"] = {"take": decision.take, "keep": decision.keep}
    if args.no_write:
        print(json.dumps(figures, indent=1))
        return 0
    final = fit(cfg, trainable(dev_cases))
    if args.out.exists():
        shutil.rmtree(args.out)
    final.to_disk(args.out)
    strip_strings(args.out)
    (args.out / "decision.json").write_text(json.dumps(
        {"about": "app/extract/signature_model.py; written by make train "
                  "(eval/train_signature.py)", "take": decision.take, "keep": decision.keep},
        indent=1, sort_keys=True) + "\n", encoding="utf-8")
    signature_model.load.cache_clear()
    if not args.dev_only:
        sigsplit.record_look("make train (eval.train_signature)")
        zones, blocks = by_part["test"]
        figures["test"] = {"rules": score_signature.report(zones, blocks, use_model=False),
                           "model": score_signature.report(zones, blocks, use_model=True)}
        figures["test_looks"] = sigsplit.looks()
    print(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
