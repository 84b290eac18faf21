"""The cue files of ``patterns/*.jsonl`` as compiled patterns, and the one-pass unions over them.

Loaded once per process on first use (cached), never at import.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..prefilter import PatternSet

PATTERN_DIR = Path(__file__).resolve().parent.parent / "patterns"


@dataclass(frozen=True)
class Pattern:
    """One cue from a pattern file: its kind, id, compiled regex and base confidence."""

    kind: str
    id: str
    regex: re.Pattern[str]
    confidence: float
    value: str | None = None
    needs_due: bool = False
    # signal cues only: the cue does not fire when ``unless`` matches the sentence, and fires
    # only when one of ``requires`` holds there ("money": an amount or a percentage, "date":
    # a date phrase, otherwise a regex)
    unless: re.Pattern[str] | None = None
    requires: tuple[str, ...] = ()


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
            re.compile(str(r["unless"]), re.I) if r.get("unless") else None,
            tuple(str(x) for x in r.get("requires", ())),  # type: ignore[attr-defined]
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
def any_signal() -> re.Pattern[str]:
    return _union(signal_patterns())


@cache
def any_commitment() -> re.Pattern[str]:
    return _union(commitment_patterns())


@cache
def any_exclude() -> re.Pattern[str]:
    return re.compile(
        "|".join(f"(?:{p.regex.pattern})" for p in commitment_patterns() if p.kind == "exclude"),
        re.I,
    )


@cache
def any_cue() -> re.Pattern[str]:
    return _union(commitment_patterns() + signal_patterns())


@cache
def commitment_set() -> PatternSet:
    return PatternSet([p.regex for p in commitment_patterns()])


@cache
def signal_set() -> PatternSet:
    return PatternSet([p.regex for p in signal_patterns()])


