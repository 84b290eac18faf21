"""Sentence forms: the lead-in a sentence opens with, commands, conditions and pleasantries."""

from __future__ import annotations

import re
from functools import lru_cache

from .patterns import any_cue, imperative_verbs

# a vocative or greeting ("Hi Ana, ..."), a thanks that opens a sentence ("Thanks, please
# ..."), then one discourse word ("Also, ...", "Just ..."); the words in any case, since they
# open sentences and so are mostly capitalised
_LEAD_RE = re.compile(
    r"^(?:(?:(?i:hi|hello|hey|dear)\s+)?[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)?\s*[,:]\s+|"
    r"(?i:hi|hello|hey)\s*[,!]\s+)?"
    r"(?:(?i:thanks|thank you|thx|ok|okay|great|sure|sounds good)\s*[,!:;-]+\s+)?"
    r"(?:(?i:also|and|so|then|ok|okay|great|next|finally|lastly|separately|meanwhile|just|anyway|"
    r"in the meantime|one more thing|in addition|additionally|btw|ps|p\.s\.|but|now|however|"
    r"otherwise|alternatively|if not|if so|if possible|in that case)\s*[,:-]?\s+)?",
)
# "If you agree, send me the signed copy": a condition, then a command to the reader
_CONDITION_RE = re.compile(
    r"^(?:if|when|once|whenever|as soon as|in case|should you|before|after|"
    r"in order to|to (?=[a-z]+ (?:the|your|this|these|our|a|an|it|things)\b))\b[^,;]{2,120},\s*"
    r"(?:(?:just|simply|then|please|kindly)\s+)*",
    re.I,
)
# openings that look like commands but are pleasantries
# openings that look like commands but are pleasantries, closings ("Talk to you soon"),
# apologies ("Forgive the delay") or replies with the subject left out ("Agree.", "Got it")
_NOT_IMPERATIVE = re.compile(
    r"^(?:look(?:ing)? forward|take care|have a (?:good|great|nice|wonderful|lovely)|"
    r"(?:talk|speak|chat)(?: (?:to|with) you)?(?: again)? (?:soon|later|shortly)\b|"
    r"catch you later|see you (?:soon|later|then|there)\b|"
    r"(?:forgive|excuse|pardon) (?:me|the|my|our|us|this)|agree[ds]?\b|got\b|sounds?\b|"
    r"congrat\w*|enjoy(?:ed)? (?:your|the) (?:weekend|holiday|vacation|day|evening|trip)|"
    # "Call me Sam." gives a name (a weekday or a month is a time: "Call me Monday")
    r"call me (?!(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|jan|feb|mar|apr|may|jun|jul|aug|"
    r"sep|oct|nov|dec)(?-i:[A-Z])[a-z]+\s*[.!]*$)",
    re.I,
)
# "be sure to ...", "remember to ..." after a condition: a command as well
_REMINDER_LEAD = re.compile(
    r"^(?:(?:don't|do not|don’t) forget|remember|be sure|make sure)\b", re.I
)

@lru_cache(maxsize=1024)  # several callers ask about the same sentence in a row
def strip_lead(sentence: str) -> str:
    """The sentence without a leading vocative or discourse word ("Hi Ana, also ...")."""
    return sentence[_LEAD_RE.match(sentence).end() :]  # type: ignore[union-attr]


def not_imperative(body: str) -> bool:
    """True when a sentence (lead already cut) opens with a pleasantry that looks like a verb."""
    return bool(_NOT_IMPERATIVE.match(body.lstrip()))


def opens_with_imperative(sentence: str) -> bool:
    """True when the sentence (after a vocative) starts with a verb from the imperative list."""
    body = strip_lead(sentence.strip())
    words = body.split(maxsplit=1)
    return (
        bool(words)
        and words[0].lower().strip(",.") in imperative_verbs()
        and not _NOT_IMPERATIVE.match(body)
    )


def conditional_command(sentence: str) -> str | None:
    """The command after a leading condition ("If you agree, send it over"), else None."""
    m = _CONDITION_RE.match(strip_lead(sentence.strip()))
    if m is None:
        return None
    rest = m.string[m.end() :]
    return rest if opens_with_imperative(rest) or _REMINDER_LEAD.match(rest) else None


def is_candidate(sentence: str, names: re.Pattern[str] | None = None) -> bool:
    """The cheap pass: could this sentence hold a commitment, a signal or a known name?"""
    s = sentence.strip()
    if not s:
        return False
    if s.endswith("?") or opens_with_imperative(s) or conditional_command(s):
        return True
    lead_free = strip_lead(s)
    # the second search only when a lead was cut: anchored cues must see the bare sentence
    if any_cue().search(s) or (lead_free != s and any_cue().search(lead_free)):
        return True
    return bool(names and names.search(s))


