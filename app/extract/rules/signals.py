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
    maybe = signal_set().possible(sentence)
    if named is None and (not maybe if maybe is not None else not any_signal().search(sentence)):
        return out
    if named:
        out.append(RawSignal("competitor", named.group(0), named.start(), named.end(), 0.9))
        seen.add(("competitor", None))
    for n, p in enumerate(signal_patterns()):
        if maybe is not None and n not in maybe:
            continue  # RE2 says it cannot match
        m = p.regex.search(sentence)
        key = (p.kind, p.value if p.kind == "risk" else None)
        if not m or key in seen:
            continue
        seen.add(key)
        value = _value(p.kind, p.value, sentence, m, None)
        out.append(RawSignal(p.kind, value, m.start(), m.end(), p.confidence))
    return out
