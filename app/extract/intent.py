"""A learned second opinion after the rules: requests and dated commitments they missed.

The rules read the forms they were written for; real mail asks in many more ("any chance
the deck is ready?", "we should get together on the 12th"). A logistic regression over the
sentence's closed-class words (pronouns, modals, auxiliaries, prepositions, "please" ...),
their pairs, the shape of the rest (a word, a number), whether the sentence asks a question
or states a time, and what the rules found, says how likely the sentence is a request to the
reader or a commitment with a time. Where the rules found neither and the model is confident,
the sentence becomes a request (or, said in the first person with a time, a promise).

It only ever adds: what the rules found stays. Sentences left out on purpose ("please find
attached", "let me know if you have any questions", newsletters, headings) stay out. The weights
(``patterns/intent_model.json``) are trained by ``python -m bench.train_intent`` on the
development half of the labelled Enron sentences (the held-out half stays out of training,
so that its score remains an estimate); they hold function words and weights only, no text
of the data.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from spacy.lang.en.stop_words import STOP_WORDS

from . import rules
from .dates import find_due

MODEL_PATH = Path(__file__).with_name("patterns") / "intent_model.json"
MAX_CHARS = 600  # longer "sentences" are lists or pasted text, not one ask
_TOKEN = re.compile(r"[A-Za-z']+|[?!]|\d+")
# words of asking, offering, meeting and timing that are not stop words
_ASKING = frozenset("""
please let thanks thank know send call attached meet meeting review forward confirm advise need
want like help questions question schedule discuss sure ok able possible get give look talk
tomorrow today monday tuesday wednesday thursday friday week next soon asap by before until
later time date contact reply respond feedback comments interested join attend set up check
info information find try make plan going will shall may might must should would could can
i'll we'll you'll i'd we'd let's don't do did does
""".split())
VOCABULARY = frozenset(w.lower() for w in STOP_WORDS) | _ASKING
# courtesy lines the product leaves out on purpose, although the Enron labels count them
_COURTESY = re.compile(
    r"\b(?:please\s+)?(?:find|see)\s+(?:the\s+|my\s+|our\s+)?(?:attached|enclosed|below)\b"
    r"|\blet\s+(?:me|us)\s+know\s+if\s+you\s+have\s+(?:any\s+)?(?:other\s+|further\s+)?"
    r"(?:questions|comments|concerns)\b", re.I)
_FIRST_PERSON_FUTURE = re.compile(
    r"\b(?:i|we)(?:'ll|\s+will|\s+shall|\s+(?:am|are)\s+going\s+to|\s+plan\s+to)\b", re.I)


def _text_features(sentence: str, rule_hit: bool, rule_kinds: frozenset[str]) -> set[str]:
    """Every feature but ``has_due`` (the one that costs a date search)."""
    toks = [w if w in VOCABULARY or w in "?!" else ("<num>" if w.isdigit() else "<w>")
            for w in _TOKEN.findall(sentence.lower())]
    out = {"bias_rule", f"rule_hit={int(rule_hit)}",
           f"q={sentence.strip().endswith('?')}", f"len={min(len(toks) // 5, 6)}"}
    out.update(f"kind={k}" for k in rule_kinds)
    out.update(f"u:{w}" for w in toks)
    out.update(f"b:{a}_{b}" for a, b in zip(["<s>", *toks], [*toks, "</s>"], strict=True))
    return out


def features(sentence: str, *, rule_hit: bool, rule_kinds: frozenset[str]) -> set[str]:
    """The model's features of one sentence (training and use share this function)."""
    return _text_features(sentence, rule_hit, rule_kinds) | {
        f"has_due={find_due(sentence) is not None}"}


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass(frozen=True)
class IntentModel:
    """Weights over :func:`features`, a bias and the decision threshold."""

    weights: dict[str, float]
    bias: float
    threshold: float

    def score(self, feats: set[str]) -> float:
        """The log-odds of ``feats``."""
        return self.bias + sum(self.weights.get(f, 0.0) for f in feats)

    def probability(self, feats: set[str]) -> float:
        return _sigmoid(self.score(feats))

    def probability_of(self, sentence: str, rule_kinds: frozenset[str]) -> float | None:
        """The probability for a sentence the rules found no ask in, or None when it is
        below the threshold whatever the date search would say (the search is skipped)."""
        z = self.score(_text_features(sentence, False, rule_kinds))
        dated, undated = (self.weights.get(f"has_due={v}", 0.0) for v in (True, False))
        if _sigmoid(z + max(dated, undated)) < self.threshold:
            return None
        return _sigmoid(z + (dated if find_due(sentence) is not None else undated))


@cache
def load(path: Path = MODEL_PATH) -> IntentModel | None:
    """The trained model, or None when its file is absent (the rules work alone then)."""
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return IntentModel({str(k): float(v) for k, v in data["weights"].items()},
                       float(data["bias"]), float(data["threshold"]))


def addition(model: IntentModel, sentence: str,
             rule_kinds: frozenset[str] = frozenset()) -> rules.RawCommitment | None:
    """A request (or dated promise) the rules missed in ``sentence``, when the model is sure
    enough; None otherwise. The caller passes the kinds the rules found there (a promise
    without a time, at most: with a request or a dated promise there is nothing to add)."""
    s = sentence.strip()
    words = s.split()
    if not s or len(s) > MAX_CHARS or len(words) < 3 or s.upper() == s:
        return None  # empty, pasted text, a fragment, or shouted (a heading, a banner)
    if s[-1] not in ".?!" and len(words) < 6:
        return None  # an unpunctuated short line: a heading or a list item
    p = model.probability_of(s, rule_kinds)
    if p is None or p < model.threshold or rules.excluded(s) or _COURTESY.search(s):
        return None
    due = find_due(s)
    due_text = due.group(0) if due else None
    kind = "promise" if due_text and _FIRST_PERSON_FUTURE.search(s) else "request"
    action = rules.clean_action(rules.strip_lead(s), due_text) or rules.sentence_as_action(s)
    return rules.RawCommitment(kind, action, due_text, round(min(p, 0.7), 2), "intent_model")
