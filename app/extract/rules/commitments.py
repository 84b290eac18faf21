"""Promise and request cues in one sentence, with the action and the due phrase they carry."""

from __future__ import annotations

import re

from ..dates import find_due
from .actions import (
    BARE_PRONOUNS,
    CONDITION_WORDS,
    action_group,
    clean_action,
    is_headline,
    last_clause,
    sentence_as_action,
)
from .forms import conditional_command, opens_with_imperative, strip_lead
from .patterns import (
    RawCommitment,
    any_commitment,
    any_exclude,
    commitment_patterns,
    commitment_set,
)

_HEDGE_RE = re.compile(
    r"\b(?:think|hope|believe|guess|assume|doubt|whether|unless|wonder|not sure|"
    r"hopefully|maybe|might)\b[^,;]*$",
    re.I,
)


def _cue_in(text: str) -> bool:
    maybe = commitment_set().possible(text)
    if maybe is not None and all(commitment_patterns()[n].kind == "exclude" for n in maybe):
        return False  # RE2 rules every cue out: the union search would find nothing
    return bool(any_commitment().search(text))


def excluded(sentence: str) -> bool:
    """True for what is never a commitment on purpose: the exclude patterns ("please find
    attached", newsletter lines, address-book asks) and headings."""
    s = sentence.strip()
    return bool(any_exclude().search(s)) or is_headline(s)


def has_commitment_cue(s: str, lead_free: str) -> bool:
    """True when some commitment pattern matches the sentence or its lead-free form."""
    return _cue_in(s) or (lead_free != s and _cue_in(lead_free))


# where a sentence starts a second commitment: "..., and I'll book the room", "...; please ..."
_CLAUSE = re.compile(
    r"(?:,\s*|\s+)(?:and|then|also|plus)\s+(?=(?:i|we)(?:'ll|\s+will|\s+shall)\b"
    r"|(?:could|can|would|will)\s+you\b|please\b)|;\s+(?=\w)", re.I)


def clauses(sentence: str) -> list[str]:
    """The parts of a sentence that can each hold a commitment of their own."""
    parts = [p.strip() for p in _CLAUSE.split(sentence) if p and p.strip()]
    return parts if len(parts) > 1 and all(len(p.split()) >= 3 for p in parts) else [sentence]


def find_commitments(
    sentence: str, *, imperative: bool | None = None, cued: bool | None = None
) -> tuple[RawCommitment, ...]:
    """Returns the promise and request cues of ``sentence``: one of each per clause, so
    "I'll send the quote and we will book the demo" holds two promises."""
    parts = clauses(sentence.strip())
    if len(parts) == 1:
        return _find_in_clause(sentence, imperative=imperative, cued=cued)
    found: list[RawCommitment] = []
    for i, part in enumerate(parts):
        for raw in _find_in_clause(part, imperative=imperative if i == 0 else None, cued=None):
            if raw not in found:
                found.append(raw)
    return tuple(found)


def _find_in_clause(
    sentence: str, *, imperative: bool | None = None, cued: bool | None = None
) -> tuple[RawCommitment, ...]:
    """Returns at most one promise and one request cue found in ``sentence``.

    ``imperative`` is the model's verdict on whether the sentence opens with a command; with
    None the imperative-verb list decides. ``cued`` is a caller's earlier answer to whether
    any commitment pattern matches (None: find out here); with False only the
    imperative forms are tried.
    """
    s = sentence.strip()
    lead_free = strip_lead(s)
    patterns = commitment_patterns()
    if excluded(s):
        return ()
    due = find_due(s)
    due_text = due.group(0) if due else None
    found: dict[str, RawCommitment] = {}
    # one union search tells whether any cue is there before the cues are tried one by one
    if cued is None:
        cued = has_commitment_cue(s, lead_free)
    maybe = {s: commitment_set().possible(s)} if cued else {}
    for n, p in enumerate(patterns if cued else ()):
        if p.kind == "exclude" or p.kind in found:
            continue
        target = lead_free if "^" in p.regex.pattern else s
        if target not in maybe:
            maybe[target] = commitment_set().possible(target)
        if (skip := maybe[target]) is not None and n not in skip:
            continue  # RE2 says it cannot match
        m = p.regex.search(target)
        if not m or (p.needs_due and not due_text):
            continue
        if p.kind == "promise" and (s.endswith("?") or _HEDGE_RE.search(target[: m.start()])):
            continue
        # the cue may close the sentence ("If you want to join, let me know"): the action is
        # then what comes before it
        action = (
            clean_action(action_group(m), due_text)
            or clean_action(last_clause(target[: m.start()]), due_text)
            or clean_action(CONDITION_WORDS.sub("", target[: m.start()]), due_text)
            or clean_action(m.group(0), due_text)  # "Let me know by Friday whether ..."
            or clean_action(m.group(0), None)  # the due opens the sentence: "Friday breakfast?"
        )
        if action.lower() in BARE_PRONOUNS:  # "We expect it by Monday": "it" says nothing
            action = sentence_as_action(s)
        if action:
            conf = min(0.99, p.confidence + (0.05 if due_text else 0.0))
            found[p.kind] = RawCommitment(p.kind, action, due_text, conf, p.id)
    if "request" not in found and (
        imperative if imperative is not None else opens_with_imperative(s)
    ):
        found["request"] = RawCommitment(
            "request", clean_action(lead_free, due_text), due_text, 0.75, "imperative"
        )
    command = conditional_command(s) if "request" not in found else None
    if command:
        found["request"] = RawCommitment(
            "request", clean_action(command, due_text), due_text, 0.7, "conditional_imperative"
        )
    return tuple(found.values())


