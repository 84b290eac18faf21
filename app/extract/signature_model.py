"""The trained line model of the signature parser: which part of a block is the name, the
title, the company or none of them.

A spaCy ``textcat`` pipeline (``model/signature``, exclusive labels ``name``, ``title``,
``company``, ``other``), trained by ``make train`` (``eval/train_signature.py``) from
``eval/signature.cfg`` and the dev part of the signature set, reads each part of a block line
as the parser splits it, lowercased, with marker words for what the rules see
(:func:`app.extract.signature.mark`: place in the block, title head word, legal suffix, the
block's own domain, capitalisation, the field the rules gave it, its neighbours). The rules
are its features; ``model/signature/decision.json`` holds, per field, the score above which
the model's choice is taken and the score below which the rules' own choice is dropped
(chosen by cross-validation on dev, precision first). The weights are hashed n-gram features
and numbers, no text of the data. Loaded lazily, once per process.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import spacy
from spacy.language import Language

if TYPE_CHECKING:
    from .signature import Segment

MODEL_DIR = Path(__file__).resolve().parent / "model" / "signature"
FIELDS = ("name", "title", "company")
LABELS = (*FIELDS, "other")


def feature_text(text: str, marks: Sequence[str]) -> str:
    """What the classifier reads for one part: its words, lowercased (capitalisation is a
    marker), and the marker words."""
    return " ".join([text.lower(), *marks])


@dataclass(frozen=True)
class Decision:
    """Per field: ``take`` - the model's best part is the field when it scores at least this;
    ``keep`` - otherwise the rules' choice stays when the model gives it at least this."""

    take: dict[str, float]
    keep: dict[str, float]

    @property
    def rules_alone(self) -> bool:
        """True when no field is ever decided by the model (nothing to score)."""
        return all(self.take.get(f, 2.0) > 1.0 and self.keep.get(f, 0.0) <= 0.0
                   for f in FIELDS)

    @classmethod
    def read(cls, path: Path) -> Decision:
        """The decision file written by training."""
        raw = json.loads(path.read_text(encoding="utf-8"))
        return cls({k: float(v) for k, v in raw["take"].items()},
                   {k: float(v) for k, v in raw["keep"].items()})


Fields = tuple[str | None, str | None, str | None]


def choose(texts: Sequence[str], rules: Sequence[str | None], scores: Sequence[dict[str, float]],
           rule_values: Fields, decision: Decision) -> Fields:
    """The name, title and company of a block from the parts' scores (``texts``: the parts,
    ``rules``: the field the rules gave each part, ``rule_values``: the rules' three fields).
    A part is one field at most; a field the model is unsure of keeps the rules' value unless
    the model scores the rules' part low."""
    out: dict[str, str | None] = {}
    taken: set[int] = set()
    best = {f: max(range(len(texts)), key=lambda i: scores[i][f]) for f in FIELDS}
    for f in sorted(FIELDS, key=lambda f: -scores[best[f]][f]):
        i = best[f]
        if i not in taken and scores[i][f] >= decision.take[f]:
            out[f] = texts[i]
            taken.add(i)
    for f, value in zip(FIELDS, rule_values, strict=True):
        if f in out or value is None:
            continue
        at = next((i for i, r in enumerate(rules) if r == f), None)
        if at is None:
            out[f] = value
        elif at not in taken and scores[at][f] >= decision.keep[f]:
            out[f] = value
            taken.add(at)
    name = out.get("name")
    return (name.rstrip(",") if name else None, out.get("title"), out.get("company"))


class SignatureModel:
    """The loaded classifier and its decision thresholds; built once per process."""

    def __init__(self, nlp: Language, decision: Decision) -> None:
        self.nlp, self.decision = nlp, decision
        self.textcat = nlp.get_pipe("textcat")
        self.labels: tuple[str, ...] = tuple(self.textcat.labels)  # type: ignore[attr-defined]

    def scores(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """The label scores of each feature text (see :func:`feature_text`): one batch
        through the classifier, without the pipeline's per-call overhead."""
        if not texts:
            return []
        docs = [self.nlp.make_doc(t) for t in texts]
        rows = self.textcat.predict(docs)  # type: ignore[attr-defined]
        return [{k: float(v) for k, v in zip(self.labels, row, strict=True)} for row in rows]

    def decide(self, segments: Sequence[Segment], rule_values: Fields) -> Fields:
        """The block's name, title and company (see :func:`choose`)."""
        if self.decision.rules_alone:
            return rule_values
        scores = self.scores([feature_text(s.text, s.marks) for s in segments])
        return choose([s.text for s in segments], [s.rule for s in segments], scores,
                      rule_values, self.decision)


@cache
def load(path: Path = MODEL_DIR) -> SignatureModel | None:
    """The shipped model, or None when it is absent (then the rules decide alone)."""
    if not (path / "meta.json").exists():
        return None
    return SignatureModel(spacy.load(path), Decision.read(path / "decision.json"))
