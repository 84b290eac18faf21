"""spaCy components: ``storyline_commitments`` and ``storyline_signals``.

Both are registered factories with default configs; they write ``doc.spans["commitments"]`` /
``doc.spans["signals"]`` (for display) and ``doc._.commitments`` / ``doc._.signals`` (our
dataclasses, offsets relative to the doc). With a tagger and parser present they use them
(imperative mood, the verb's own words for the action, ORG entities as competitor names);
on ``spacy.blank("en")`` the rule layer alone decides.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import cast

from spacy.language import Language
from spacy.tokens import Doc, Span

from . import rules
from .dates import resolve
from .types import Commitment, CommitmentKind, Owner, Signal

OWNER: dict[str, Owner] = {"promise": "sender", "request": "recipient"}


def ensure_extensions() -> None:
    """Registers our ``Doc._`` attributes once (idempotent, called by the factories)."""
    for name in (
        "ref_day",
        "commitments",
        "signals",
        "competitors",
        "rule_commitments",
        "rule_signals",
    ):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


def sentences(doc: Doc) -> Iterable[Span]:
    """The doc's sentences when something set them, else the whole doc as one."""
    if doc.has_annotation("SENT_START"):
        return doc.sents
    return [doc[:]]


# bare verbs that open pleasantries or our own offers ("Let me check ..." is a promise)
_NOT_COMMANDS = frozenset({"thank", "thanks", "hope", "see", "have", "let"})


def _imperative(sent: Span) -> bool | None:
    """The tagger's verdict: does the sentence open with a bare verb that has no subject?"""
    if not sent.doc.has_annotation("TAG"):
        return None
    body = rules.strip_lead(sent.text)
    if rules.not_imperative(body):
        return False  # a closing or an apology the tagger reads as a command
    lead = len(sent.text) - len(body)
    for tok in sent:
        if tok.idx - sent.start_char < lead or tok.is_punct or tok.is_space:
            continue
        if tok.tag_ == "VB" and tok.lower_ not in _NOT_COMMANDS:
            return not any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children)
        return rules.opens_with_imperative(sent.text) and tok.pos_ in ("VERB", "AUX")
    return False


class CommitmentFinder:
    """Finds promises and requests in each sentence and resolves their due dates."""

    def __init__(self, use_model: bool = True) -> None:
        self.use_model = use_model

    def __call__(self, doc: Doc) -> Doc:
        ref: date | None = doc._.ref_day
        found: list[Commitment] = []
        spans: list[Span] = []
        for sent in sentences(doc):
            imperative = _imperative(sent) if self.use_model else None
            known = doc._.rule_commitments  # the router's answer for a one-sentence doc
            if (
                imperative is None
                and known is not None
                and sent.start == 0
                and sent.end == len(doc)
            ):
                raws = known
            else:
                raws = rules.find_commitments(sent.text, imperative=imperative)
            for raw in raws:
                due = resolve(raw.due_text, ref) if raw.due_text and ref else None
                text = sent.text.strip()
                start = sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
                found.append(
                    Commitment(
                        kind=cast(CommitmentKind, raw.kind),
                        owner=OWNER[raw.kind],
                        action=raw.action,
                        due=due,
                        text=text,
                        start=start,
                        end=start + len(text),
                        confidence=round(raw.confidence, 2),
                        due_text=raw.due_text,
                    )
                )
                spans.append(Span(doc, sent.start, sent.end, label=raw.kind))
        doc._.commitments = found
        doc.spans["commitments"] = spans
        return doc


class SignalFinder:
    """Finds deal signals in each sentence, with values from the rules or the entities."""

    def __call__(self, doc: Doc) -> Doc:
        names: re.Pattern[str] | None = doc._.competitors
        found: list[Signal] = []
        spans: list[Span] = []
        for sent in sentences(doc):
            known = doc._.rule_signals  # the router's answer for a one-sentence doc
            whole = sent.start == 0 and sent.end == len(doc)
            raws = known if known is not None and whole else rules.find_signals(sent.text, names)
            for raw in raws:
                value = raw.value
                if raw.kind == "competitor" and value is None:
                    value = next((e.text for e in sent.ents if e.label_ == "ORG"), None)
                start, end = sent.start_char + raw.start, sent.start_char + raw.end
                found.append(
                    Signal(kind=raw.kind, value=value, text=doc.text[start:end], start=start,
                           end=end, confidence=raw.confidence)
                )
                span = doc.char_span(start, end, label=raw.kind, alignment_mode="expand")
                if span is not None:
                    spans.append(span)
        doc._.signals = found
        doc.spans["signals"] = spans
        return doc


@Language.factory("storyline_commitments", default_config={"use_model": True})
def make_commitments(nlp: Language, name: str, use_model: bool) -> CommitmentFinder:
    """Factory of the commitments component (promises and requests with due dates)."""
    ensure_extensions()
    return CommitmentFinder(use_model)


@Language.factory("storyline_signals", default_config={})
def make_signals(nlp: Language, name: str) -> SignalFinder:
    """Factory of the deal-signals component."""
    ensure_extensions()
    return SignalFinder()
