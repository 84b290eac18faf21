"""The decision after the rules: calibrated confidence and ``shown`` for every finding.

The rules propose (every cue they match, several per sentence); the trained sentence model
(:mod:`app.extract.model`) reads each sentence with the rules' findings as features and gives
each kind a calibrated probability. That probability is a finding's ``confidence``, and
``shown`` is whether it clears the kind's threshold chosen on dev for precision. Where the
model is confident of a request (or, in the first person, a promise) the rules did not see,
it adds one, shown. Before any sentence, the email as a whole: broadcast mail yields no
commitments and shows no signals; a delivery ("As promised, attached ...") is no promise; a
due phrase standing in the next sentence ("We expect it by Friday") dates the request before it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import cast

from . import rules
from .context import broadcast, is_delivery
from .dates import find_due, local_day, resolve
from .model import SentenceModel, feature_text, first_person_future
from .segment import split_sentences
from .types import Commitment, CommitmentKind, EmailIn, ExtractionResult, Owner, Signal

OWNER: dict[str, Owner] = {"promise": "sender", "request": "recipient"}
MODEL_KINDS = ("request", "promise")
_POINTS_BACK = re.compile(r"\b(?:it|them|this|these|that|those|the signed \w+)\b", re.I)
_MAX_CHARS = 600  # longer "sentences" are pasted lists or text, not one ask


def signal_label(kind: str) -> str:
    """The classifier's label for a signal kind."""
    return f"sig_{kind}"


def sentence_features(result: ExtractionResult) -> tuple[list[tuple[int, int]], list[str]]:
    """The sentences of the new part and the text the classifier reads for each."""
    spans = [(a, b) for a, b in split_sentences(result.reply_text)]
    kinds: list[list[str]] = [
        [c.kind for c in result.commitments if a <= c.start < b] for a, b in spans]
    asks = [result.reply_text[a:b].rstrip().endswith("?") for a, b in spans]
    texts = []
    for i, (a, b) in enumerate(spans):
        text = result.reply_text[a:b]
        texts.append(feature_text(
            text,
            kinds=kinds[i],
            signals=[s.kind for s in result.signals if a <= s.start < b],
            dated=find_due(text) is not None,
            index=i, count=len(spans),
        ) + _neighbours(kinds, asks, i))
    return spans, texts


def _neighbours(kinds: list[list[str]], asks: list[bool], i: int) -> str:
    """Marker words for the sentences beside one: their rules' kinds and whether they ask a
    question ("Could you send it? We need it for Friday's board." - the second sentence
    explains the ask before it)."""
    marks = []
    for side, j in (("prev", i - 1), ("next", i + 1)):
        if 0 <= j < len(kinds):
            marks += [f"zz{side}{k}" for k in sorted(set(kinds[j]))]
            if asks[j]:
                marks.append(f"zz{side}question")
    return "".join(" " + m for m in marks)


def apply_many(emails: list[EmailIn], results: list[ExtractionResult],
               model: SentenceModel | None) -> None:
    """Sets confidence and shown on every result's findings and adds the model's own; the
    classifier reads the sentences of all the emails in one batch."""
    todo = []
    for email, result in zip(emails, results, strict=True):
        if broadcast(email, result.reply_text):
            if result.commitments:
                result.notes.append("broadcast mail: no commitments")
            result.commitments = []
            result.signals = [replace(s, shown=False) for s in result.signals]
        elif model is None:
            result.notes.append("no sentence model: nothing is shown by default")
        else:
            todo.append((email, result, *sentence_features(result)))
    if model is None or not todo:
        return
    scores = iter(model.score([t for *_, texts in todo for t in texts]))
    for email, result, spans, texts in todo:
        _settle(email, result, spans, [next(scores) for _ in texts], model)


def _settle(email: EmailIn, result: ExtractionResult, spans: list[tuple[int, int]],
            scores: list[dict[str, float]], model: SentenceModel) -> None:
    cal = model.calibration
    ref = local_day(email.sent_at, email.time_zone)
    kept: list[Commitment] = []
    for (a, b), sc in zip(spans, scores, strict=True):
        text = result.reply_text[a:b]
        here = [c for c in result.commitments if a <= c.start < b]
        delivery = is_delivery(text)
        for c in here:
            if c.kind == "promise" and delivery:
                continue  # work handed over is no promise, and never "they owe"
            p = sc.get(c.kind, 0.0)
            kept.append(replace(c, confidence=round(p, 3), shown=cal.is_shown(c.kind, p)))
        for kind in MODEL_KINDS:
            if any(c.kind == kind for c in here):
                continue
            if kind == "request" and any(c.kind == "promise" for c in here) and not delivery:
                continue  # the writer's own commitment: the model adds no ask of the reader
            p = sc.get(kind, 0.0)
            if not cal.is_shown(kind, p) or not _addable(kind, text, delivery):
                continue
            kept.append(_added(cast(CommitmentKind, kind), text, a, p, ref))
    result.commitments = sorted(_date_from_next(kept, spans, result.reply_text, ref),
                                key=lambda c: (c.start, c.kind))
    result.signals = [_signal(s, spans, scores, model) for s in result.signals]


def _addable(kind: str, text: str, delivery: bool) -> bool:
    s = text.strip()
    words = s.split()
    if len(s) > _MAX_CHARS or len(words) < 3 or s.upper() == s or rules.excluded(s):
        return False
    if s[-1:] not in ".?!" and len(words) < 6:
        return False  # an unpunctuated short line: a heading or a list item
    return kind != "promise" or (first_person_future(s) and not delivery)


def _added(kind: CommitmentKind, text: str, base: int, p: float, ref: object) -> Commitment:
    stripped = text.strip()
    start = base + len(text) - len(text.lstrip())
    due = find_due(stripped)
    due_text = due.group(0) if due else None
    action = rules.clean_action(rules.strip_lead(stripped), due_text) or rules.sentence_as_action(
        stripped)
    if action.lower() in ("it", "them", "this", "that"):
        action = rules.sentence_as_action(stripped)
    when = resolve(due_text, ref) if due_text and ref is not None else None  # type: ignore[arg-type]
    return Commitment(kind=kind, owner=OWNER[kind], action=action, due=when, text=stripped,
                      start=start, end=start + len(stripped), confidence=round(p, 3),
                      due_text=due_text, shown=True)


def _date_from_next(found: list[Commitment], spans: list[tuple[int, int]], text: str,
                    ref: object) -> list[Commitment]:
    """A due phrase alone in the next sentence ("We expect it by Friday.") dates the undated
    request before it; that sentence is then no request of its own."""
    out = list(found)
    for i in range(len(spans) - 1):
        (a, b), (c, d) = spans[i], spans[i + 1]
        nxt = text[c:d]
        due = find_due(nxt)
        if due is None or len(nxt.split()) > 12 or not _POINTS_BACK.search(nxt):
            continue
        ask = next((x for x in out if a <= x.start < b and x.kind == "request" and not x.due_text),
                   None)
        if ask is None:
            continue
        when = resolve(due.group(0), ref) if ref is not None else None  # type: ignore[arg-type]
        out[out.index(ask)] = replace(ask, due=when, due_text=due.group(0))
        out = [x for x in out if not (c <= x.start < d and x.kind == "request")]
    return out


def _signal(s: Signal, spans: list[tuple[int, int]], scores: list[dict[str, float]],
            model: SentenceModel) -> Signal:
    cal = model.calibration
    label = signal_label(s.kind)
    sc = next((sc for (a, b), sc in zip(spans, scores, strict=True) if a <= s.start < b), {})
    if label in sc and label in cal.platt:
        p = sc[label]
    else:  # not calibrated (too few labelled examples): the rule's precision on dev
        p = cal.rule_precision.get(s.kind, 0.0)
    return replace(s, confidence=round(p, 3), shown=cal.is_shown(s.kind, p))
