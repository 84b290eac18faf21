"""The rule layer: commitment and signal cues over one sentence, as plain string matching.

It is cheap (regular expressions from ``patterns/*.jsonl``), so it runs on every sentence; the
statistical model is then asked only about the sentences it flags (:func:`is_candidate`,
and the one-pass :func:`app.extract.routing.scan` the pipeline uses).
The spaCy components in :mod:`app.extract.components` call the same functions, so the
candidate filter and the components can never disagree about what is a cue.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from .dates import find_due
from .prefilter import PatternSet

PATTERN_DIR = Path(__file__).with_name("patterns")
MAX_ACTION_WORDS = 10

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
_HEDGE_RE = re.compile(
    r"\b(?:think|hope|believe|guess|assume|doubt|whether|unless|wonder|not sure|"
    r"hopefully|maybe|might)\b[^,;]*$",
    re.I,
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
_POLITE_LEAD = re.compile(r"^\s*(?:feel free|(?:do not|don't|don’t) hesitate)\s+to\s+", re.I)
_CONDITION_WORDS = re.compile(r"^\s*(?:if|when|once|whenever)\s+", re.I)
_ACTION_STOP = re.compile(
    r"[?!.;:]|\s(?:so that|so we|and let me|and i'll|and we'll|if you|once)\s|,\s"
    r"|\s(?:if (?:that|this|it|needed|necessary|possible|helpful|useful|easier|preferred)"
    r"|in case)\b"
)


@dataclass(frozen=True)
class Pattern:
    """One cue from a pattern file: its kind, id, compiled regex and base confidence."""

    kind: str
    id: str
    regex: re.Pattern[str]
    confidence: float
    value: str | None = None
    needs_due: bool = False


@dataclass(frozen=True)
class RawCommitment:
    """A commitment cue in a sentence; offsets are relative to the sentence."""

    kind: str
    action: str
    due_text: str | None
    confidence: float
    pattern: str


@dataclass(frozen=True)
class RawSignal:
    """A signal cue in a sentence; offsets are relative to the sentence."""

    kind: str
    value: str | None
    start: int
    end: int
    confidence: float


def _load(name: str) -> list[dict[str, object]]:
    text = (PATTERN_DIR / name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _patterns(name: str) -> tuple[Pattern, ...]:
    return tuple(
        Pattern(
            str(r["kind"]),
            str(r["id"]),
            re.compile(str(r["regex"]), re.I),
            float(str(r["confidence"])),
            str(r["value"]) if r.get("value") is not None else None,
            bool(r.get("needs_due", False)),
        )
        for r in _load(name)
    )


@cache
def commitment_patterns() -> tuple[Pattern, ...]:
    """The commitment cues of ``patterns/commitments.jsonl`` (kinds promise, request, exclude)."""
    return _patterns("commitments.jsonl")


@cache
def signal_patterns() -> tuple[Pattern, ...]:
    """The deal-signal cues of ``patterns/signals.jsonl``."""
    return _patterns("signals.jsonl")


@cache
def imperative_verbs() -> frozenset[str]:
    """Verbs that make a request when a sentence opens with them ("Send me the deck")."""
    return frozenset(str(r["verb"]) for r in _load("imperative_verbs.jsonl"))


def _union(patterns: Iterable[Pattern]) -> re.Pattern[str]:
    joined = "|".join(f"(?:{p.regex.pattern})" for p in patterns if p.kind != "exclude")
    return re.compile(re.sub(r"\(\?P<\w+>", "(?:", joined), re.I)


@cache
def _any_signal() -> re.Pattern[str]:
    return _union(signal_patterns())


@cache
def _any_commitment() -> re.Pattern[str]:
    return _union(commitment_patterns())


@cache
def _any_exclude() -> re.Pattern[str]:
    return re.compile(
        "|".join(f"(?:{p.regex.pattern})" for p in commitment_patterns() if p.kind == "exclude"),
        re.I,
    )


@cache
def _any_cue() -> re.Pattern[str]:
    return _union(commitment_patterns() + signal_patterns())


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
    if _any_cue().search(s) or (lead_free != s and _any_cue().search(lead_free)):
        return True
    return bool(names and names.search(s))


_DANGLING = frozenset("to by on for at in before until till within from of and or with".split())
_BARE_PRONOUNS = frozenset("it them this that these those one".split())
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


def _last_clause(before: str) -> str:
    """What a cue that closes the sentence is about: "We are comparing vendors, so a clear
    comparison [would be useful]" -> "a clear comparison"; "" when there is one clause."""
    parts = _CLAUSE_BREAK.split(before)
    last = parts[-1].strip() if len(parts) > 1 else ""
    return last if len(last.split()) >= 2 else ""


def _action_group(m: re.Match[str]) -> str:
    """The text of the match's ``action`` group (a pattern may name it once per branch)."""
    return next((v for k, v in m.groupdict().items() if k.startswith("action") and v), "")


@cache
def _commitment_set() -> PatternSet:
    return PatternSet([p.regex for p in commitment_patterns()])


@cache
def _signal_set() -> PatternSet:
    return PatternSet([p.regex for p in signal_patterns()])


def _cue_in(text: str) -> bool:
    maybe = _commitment_set().possible(text)
    if maybe is not None and all(commitment_patterns()[n].kind == "exclude" for n in maybe):
        return False  # RE2 rules every cue out: the union search would find nothing
    return bool(_any_commitment().search(text))


def excluded(sentence: str) -> bool:
    """True for what is never a commitment on purpose: the exclude patterns ("please find
    attached", newsletter lines, address-book asks) and headings."""
    s = sentence.strip()
    return bool(_any_exclude().search(s)) or is_headline(s)


def has_commitment_cue(s: str, lead_free: str) -> bool:
    """True when some commitment pattern matches the sentence or its lead-free form."""
    return _cue_in(s) or (lead_free != s and _cue_in(lead_free))


def find_commitments(
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
    maybe = {s: _commitment_set().possible(s)} if cued else {}
    for n, p in enumerate(patterns if cued else ()):
        if p.kind == "exclude" or p.kind in found:
            continue
        target = lead_free if "^" in p.regex.pattern else s
        if target not in maybe:
            maybe[target] = _commitment_set().possible(target)
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
            clean_action(_action_group(m), due_text)
            or clean_action(_last_clause(target[: m.start()]), due_text)
            or clean_action(_CONDITION_WORDS.sub("", target[: m.start()]), due_text)
            or clean_action(m.group(0), due_text)  # "Let me know by Friday whether ..."
            or clean_action(m.group(0), None)  # the due opens the sentence: "Friday breakfast?"
        )
        if action.lower() in _BARE_PRONOUNS:  # "We expect it by Monday": "it" says nothing
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
    maybe = _signal_set().possible(sentence)
    if named is None and (not maybe if maybe is not None else not _any_signal().search(sentence)):
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
