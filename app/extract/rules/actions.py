"""The action a card shows: a few readable words cut from the sentence around the cue."""

from __future__ import annotations

import re

MAX_ACTION_WORDS = 10
_POLITE_LEAD = re.compile(r"^\s*(?:feel free|(?:do not|don't|don’t) hesitate)\s+to\s+", re.I)
CONDITION_WORDS = re.compile(r"^\s*(?:if|when|once|whenever)\s+", re.I)
_ACTION_STOP = re.compile(
    r"[?!.;:]|\s(?:so that|so we|and let me|and i'll|and we'll|if you|once)\s|,\s"
    r"|\s(?:if (?:that|this|it|needed|necessary|possible|helpful|useful|easier|preferred)"
    r"|in case)\b"
)



_DANGLING = frozenset("to by on for at in before until till within from of and or with".split())
BARE_PRONOUNS = frozenset("it them this that these those one".split())
# words a phrase cut at MAX_ACTION_WORDS must not end on ("... the remediation steps and the")
_LOOSE_END = frozenset("the a an your our my their his her its this that these those".split())
_YOU_MODAL = re.compile(r"^\s*(?:you|u)\s+(?:to|could|would|can|will|might)\s+(?=\w)", re.I)


def clean_action(text: str, due_text: str | None) -> str:
    """The action in a few words: ``text`` without its time, modal lead-in and tail."""
    if due_text:
        idx = text.lower().find(due_text.lower())
        if idx >= 0:
            text = text[:idx]
    text = _YOU_MODAL.sub("", text)  # "I need you to sign it" -> "sign it"
    stop = _ACTION_STOP.search(text)
    if stop:
        text = text[: stop.start()]
    text = _POLITE_LEAD.sub("", text)
    words = [w for w in text.split() if w.lower() not in ("please", "pls", "kindly")]
    cut = len(words) > MAX_ACTION_WORDS
    words = words[:MAX_ACTION_WORDS]
    while len(words) > 1 and words[-1].lower() in _DANGLING | (_LOOSE_END if cut else set()):
        words.pop()  # the due was cut off: "move the review to [next month]"
    action = " ".join(words).strip(" ,.-") + ("…" if cut else "")
    # "we will know by Friday" owes an answer; a lone verb of knowing reads badly on a card
    return _OWED_ANSWER.get(action.lower(), action)


def sentence_as_action(sentence: str) -> str:
    """A whole sentence as the action, when no shorter phrase says it: its first words."""
    words = sentence.split()
    return " ".join(words[:MAX_ACTION_WORDS]).rstrip(" .!") + (
        "…" if len(words) > MAX_ACTION_WORDS else "")


_OWED_ANSWER = {"know": "an answer", "decide": "a decision", "confirm": "a confirmation",
                "be sure": "an answer", "have an answer": "an answer",
                "have a decision": "a decision"}


_WORDS = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_SMALL_WORDS = frozenset(
    "a an the and or but of to in on at for with by from as is are be vs via per".split()
)


def is_headline(sentence: str) -> bool:
    """True for a line in Title Case ("How Many Hours Do You Spend Online?"): a subject line,
    a newsletter heading or an advert, which asks nothing of the reader personally."""
    words = _WORDS.findall(sentence)
    content = [w for w in words[1:] if w.lower() not in _SMALL_WORDS]
    if len(words) < 4 or len(content) < 3:
        return False
    titled = sum(1 for w in content if w[0].isupper() and not w.isupper())
    return titled >= 0.8 * len(content)


_CLAUSE_BREAK = re.compile(r",\s+(?:so|and|but)\s+|;\s+|\s+so\s+(?=(?:a|an|the|your|some)\b)")


def last_clause(before: str) -> str:
    """What a cue that closes the sentence is about: "We are comparing vendors, so a clear
    comparison [would be useful]" -> "a clear comparison"; "" when there is one clause."""
    parts = _CLAUSE_BREAK.split(before)
    last = parts[-1].strip() if len(parts) > 1 else ""
    return last if len(last.split()) >= 2 else ""


def action_group(m: re.Match[str]) -> str:
    """The text of the match's ``action`` group (a pattern may name it once per branch)."""
    return next((v for k, v in m.groupdict().items() if k.startswith("action") and v), "")


