"""Deal-signal cues in one sentence, with their values (amounts, dates, roles, subtypes)."""

from __future__ import annotations

import re

from ..dates import find_due
from .patterns import RawSignal, any_signal, signal_patterns, signal_set

MONEY_RE = re.compile(
    r"(?:[$€£¥]\s?\d[\d,]*(?:\.\d+)?\s?(?:k|m|mm|bn|million|thousand|billion)?\b"
    r"|\b\d[\d,]*(?:\.\d+)?\s?(?:k|m|million|thousand|billion)?\s?(?:usd|eur|gbp|chf|cad|aud|"
    r"dollars|euros|pounds)\b)",
    re.I,
)
ROLE_RE = re.compile(
    r"\b(?:ceo|cfo|cto|coo|cio|ciso|cmo|cro|vp(?: of [a-z]+)?|vice president(?: of [a-z]+)?|"
    r"board|director(?: of [a-z]+)?|head of [a-z]+|general counsel|steering committee|"
    r"procurement lead|chief [a-z]+ officer|founder|president|owner)\b",
    re.I,
)
PERCENT_RE = re.compile(r"\b\d{1,3}(?:\.\d+)?\s?%")
SEATS_RE = re.compile(
    r"\b(\d[\d,]*)\s+(?:more\s+|additional\s+|new\s+)?(?:seats|users|licen[cs]es)\b", re.I
)

# A competitor named where the writer weighs it against the reader's offer, when the tenant's
# list does not know it: "alternatives such as X", "compare against X", "we are evaluating X",
# "compared to X". The cue is read case-insensitively; the name must be capitalised (one to
# four words, "&"/"of"/"and" inside) and is not a pronoun, a weekday, a month or a quarter.
_NAME = r"(?P<name>[A-Z][\w&'.-]*[\w&](?:\s+(?:&\s+|of\s+|and\s+)?[A-Z][\w&'.-]*[\w&]){0,3})"
COMPETITOR_CUE_RE = re.compile(
    r"\b(?i:alternatives?\s+(?:such as|like|including|e\.g\.,?)"
    r"|compar(?:e|ed|ing)\s+(?:(?:it|you|us|them|this|that|your \w+|our \w+)\s+)?"
    r"(?:against|to|with)"
    r"|(?:we are|we're|we have been|we've been|i am|i'm|i have been|i've been|our team is"
    r"|they are|they're)"
    r"\s+(?:also\s+|currently\s+|still\s+)?(?:evaluating|trialling|trialing|piloting|benchmarking"
    r"|looking at|considering|talking to|speaking with|in talks with)"
    r"|(?:decided|chose|choose|plan|planning|going) to (?:go with|switch to|move to))\s+" + _NAME
)
_NOT_A_NAME = frozenset(
    "i we you they he she it us them me our your their his her its this that these those the a an "
    "another other others some any all both either one two several many more most each every "
    "monday tuesday wednesday thursday friday saturday sunday january february march april may "
    "june july august september october november december q1 q2 q3 q4 h1 h2 fy last next "
    "previous current existing internal options alternatives vendors suppliers providers "
    "solutions tools them".split()
)


def cue_competitor(sentence: str) -> tuple[re.Match[str], str] | None:
    """A competitor named after a cue of weighing it (see ``COMPETITOR_CUE_RE``): the match
    and the name, without a dangling "and"/"of"/"&" or a closing dot or quote."""
    for m in COMPETITOR_CUE_RE.finditer(sentence):
        words = m.group("name").split()
        while words and words[-1].lower() in ("and", "of", "&"):
            words.pop()
        if words and words[0].lower().strip(".'") not in _NOT_A_NAME:
            return m, " ".join(words).rstrip(".'")
    return None


def _holds(need: str, sentence: str) -> bool:
    """Whether ``sentence`` holds what a cue ``requires`` ("money", "date" or a regex)."""
    if need == "money":
        return bool(MONEY_RE.search(sentence) or PERCENT_RE.search(sentence))
    if need == "date":
        return find_due(sentence) is not None
    return re.search(need, sentence, re.I) is not None  # compiled once, in re's cache


def _value(
    kind: str, how: str | None, sentence: str, match: re.Match[str], competitor: str | None
) -> str | None:
    if how == "money":
        m = MONEY_RE.search(sentence) or PERCENT_RE.search(sentence)
        return m.group(0).strip() if m else None
    if how == "date":
        due = find_due(sentence)
        return due.group(0) if due else None
    if how == "competitor":
        return competitor
    if how == "role":
        role = ROLE_RE.search(sentence)
        return role.group(0).lower() if role else match.group(0).lower()
    if how == "subtype" or how == "term":
        seats = SEATS_RE.search(sentence) if kind == "expansion" else None
        return seats.group(0) if seats else match.group(0).lower()
    return how


def find_signals(sentence: str, competitors: re.Pattern[str] | None = None) -> list[RawSignal]:
    """Returns the deal-signal cues in ``sentence``, one per kind (risk: one per subtype)."""
    out: list[RawSignal] = []
    seen: set[tuple[str, str | None]] = set()
    named = competitors.search(sentence) if competitors else None
    cued = cue_competitor(sentence) if named is None else None
    maybe = signal_set().possible(sentence)
    if named is None and cued is None and (
            not maybe if maybe is not None else not any_signal().search(sentence)):
        return out
    if named:
        out.append(RawSignal("competitor", named.group(0), named.start(), named.end(), 0.9))
        seen.add(("competitor", None))
    elif cued:
        cue, name = cued
        out.append(RawSignal("competitor", name, cue.start(), cue.end(), 0.75))
        seen.add(("competitor", None))
    for n, p in enumerate(signal_patterns()):
        if maybe is not None and n not in maybe:
            continue  # RE2 says it cannot match
        m = p.regex.search(sentence)
        key = (p.kind, p.value if p.kind == "risk" else None)
        if not m or key in seen:
            continue
        if p.unless is not None and p.unless.search(sentence):
            continue
        if p.requires and not any(_holds(need, sentence) for need in p.requires):
            continue
        seen.add(key)
        value = _value(p.kind, p.value, sentence, m, None)
        out.append(RawSignal(p.kind, value, m.start(), m.end(), p.confidence))
    return out
