"""The trained sentence model: how likely a sentence is a promise, a request or a signal.

A spaCy ``textcat_multilabel`` pipeline (``model/sentences``), trained by ``make train`` from
``eval/sentences.cfg`` and the labelled development emails, reads each sentence of the new
part with the rules' findings appended as marker words (:func:`feature_text`): the rules are
its features, not the decision. ``model/calibration.json`` maps its raw scores to calibrated
probabilities (Platt scaling fitted on out-of-fold dev scores) and holds, per kind, the
threshold above which a finding is shown to the seller; a kind without a threshold is never
shown. Kinds the model has no label for carry the precision their rule had on dev as their
confidence. The weights hold hashed n-gram features and numbers, no text of the data.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import spacy
from spacy.language import Language

MODEL_DIR = Path(__file__).resolve().parent / "model"
_FIRST_FUTURE = re.compile(
    r"\b(?:i|we)(?:'ll|\s+'ll|\s+will|\s+shall|\s+(?:am|are)\s+going\s+to|\s+plan\s+to)\b"
    r"|\b(?:i'm|we're|i am|we are)\s+(?:sending|sharing|getting|putting)\b", re.I)
_YOU = re.compile(r"\b(?:you|your|u)\b", re.I)


def feature_text(sentence: str, *, kinds: Iterable[str], signals: Iterable[str], dated: bool
                 ) -> str:
    """The text the classifier reads: the sentence and marker words for what the rules saw
    (shared by training and use, so both read the same thing)."""
    s = sentence.strip()
    marks = [f"zzrule{k}" for k in sorted(set(kinds))]
    marks += [f"zzsig{k}" for k in sorted(set(signals))]
    if dated:
        marks.append("zzdated")
    if s.endswith("?"):
        marks.append("zzquestion")
    if _FIRST_FUTURE.search(s):
        marks.append("zzfirstfuture")
    if _YOU.search(s):
        marks.append("zzyou")
    if len(s.split()) < 4:
        marks.append("zzshort")
    return s + " " + " ".join(marks) if marks else s


def first_person_future(sentence: str) -> bool:
    """True when the writer speaks of what they (or their team) will do."""
    return bool(_FIRST_FUTURE.search(sentence))


@dataclass(frozen=True)
class Calibration:
    """Platt scaling per label, the shown threshold per kind, and rule-only precisions."""

    platt: dict[str, tuple[float, float]]
    shown: dict[str, float]
    rule_precision: dict[str, float]

    def probability(self, label: str, raw: float) -> float:
        """The calibrated probability of ``label`` for a raw classifier score."""
        a, b = self.platt.get(label, (1.0, 0.0))
        raw = min(max(raw, 1e-6), 1 - 1e-6)
        z = a * math.log(raw / (1 - raw)) + b
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def is_shown(self, kind: str, confidence: float) -> bool:
        """True when a finding of ``kind`` with ``confidence`` is shown by default."""
        threshold = self.shown.get(kind)
        return threshold is not None and confidence >= threshold


class SentenceModel:
    """The loaded classifier and its calibration; built once per process."""

    def __init__(self, nlp: Language, calibration: Calibration) -> None:
        self.nlp, self.calibration = nlp, calibration
        pipe = nlp.get_pipe("textcat_multilabel")
        self.labels: tuple[str, ...] = tuple(pipe.labels)  # type: ignore[attr-defined]

    def score(self, texts: Sequence[str], batch_size: int = 256) -> list[dict[str, float]]:
        """Calibrated probabilities per label for each feature text (see :func:`feature_text`)."""
        out = []
        for doc in self.nlp.pipe(texts, batch_size=batch_size):
            out.append({k: self.calibration.probability(k, v) for k, v in doc.cats.items()})
        return out


def read_calibration(path: Path) -> Calibration:
    """The calibration file written by training."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return Calibration(
        {str(k): (float(v[0]), float(v[1])) for k, v in raw["platt"].items()},
        {str(k): float(v) for k, v in raw["shown"].items()},
        {str(k): float(v) for k, v in raw.get("rule_precision", {}).items()},
    )


@cache
def load(path: Path = MODEL_DIR) -> SentenceModel | None:
    """The shipped model, or None when it is absent (then the rules decide, nothing shown
    by confidence alone: see :class:`Calibration`)."""
    if not (path / "sentences" / "meta.json").exists():
        return None
    nlp = spacy.load(path / "sentences")
    return SentenceModel(nlp, read_calibration(path / "calibration.json"))
