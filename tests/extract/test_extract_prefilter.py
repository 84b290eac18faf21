"""The RE2 prefilter in front of the rule patterns never hides a match: a pattern it rules out
does not match, so extraction gives the same results with it as without it."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.extract import Extractor, prefilter, rules
from app.extract.io import email_from_json
from app.extract.pipeline import prepare
from app.extract.segment import split_sentences
from eval.evaluate import read_jsonl

EMAILS = Path(__file__).parent / "data" / "emails.jsonl"
TRICKY = [
    "", " ", "Could you send the signed MSA by Friday?", "We'll have the contract to you by EOD.",
    "Let me know, please.", "please", "PLEASE SEND THE PO", "Send me the deck!",
    "We\vwill send it\x1ctomorrow.",  # control characters: RE2's \s differs, not prefiltered
    "Könnten Sie mir den Vertrag schicken?", "I’ll send the quote by Friday.",  # not ASCII
    "We are going with another vendor; the budget is $40,000 per year.",
    "(((((((((((((((((((((((((((((((((((((((((((((((((", "a" * 5000 + " please send it",
]


def _sentences() -> Iterator[str]:
    for row in read_jsonl(EMAILS):
        prepared = prepare(email_from_json(row))
        for a, b in split_sentences(prepared.reply_text):
            yield prepared.reply_text[a:b]
    yield from TRICKY


@pytest.mark.parametrize("pattern, relaxed", [
    (r"(?<!\bwe )\bwill send\b", r"(?:)\bwill send\b"),
    (r"(?P<action>send [a-z]+)(?= by)", r"(?:send [a-z]+)(?:)"),
    (r"[(?<!]please\((?!x)", r"[(?<!]please\((?:)"),  # a class and an escape are not groups
    (r"(?:a(?=b(?:c)d)|e)", r"(?:a(?:)|e)"),
])
def test_relaxing_drops_lookarounds_and_names_only(pattern: str, relaxed: str) -> None:
    assert prefilter.relax(pattern) == relaxed


@pytest.mark.parametrize("patterns", [rules.commitment_patterns, rules.signal_patterns],
                         ids=["commitments", "signals"])
def test_a_pattern_the_prefilter_rules_out_never_matches(patterns: object) -> None:
    compiled = [p.regex for p in patterns()]  # type: ignore[operator]
    pset = prefilter.PatternSet(compiled)
    if prefilter.re2 is None:
        pytest.skip("google-re2 is not installed: every pattern is always tried")
    assert pset.active and pset.always == []  # RE2 takes every pattern we ship
    checked = 0
    for sentence in _sentences():
        for text in {sentence, sentence.strip(), rules.strip_lead(sentence.strip())}:
            possible = pset.possible(text)
            if possible is None:
                assert not text.isascii() or re.search(r"[\v\x1c-\x1f]", text)
                continue
            checked += 1
            missed = [n for n, rx in enumerate(compiled) if rx.search(text) and n not in possible]
            assert missed == [], (text, missed)
    assert checked > 1000


def test_a_pattern_re2_cannot_take_is_always_tried() -> None:
    if prefilter.re2 is None:
        pytest.skip("google-re2 is not installed")
    pset = prefilter.PatternSet([re.compile(r"(\w+) \1"), re.compile(r"\bquote\b", re.I)])
    assert pset.always == [0]  # a backreference: RE2 has none
    assert pset.possible("the the QUOTE") == {0, 1} and pset.possible("nothing here") == {0}


def test_extraction_is_the_same_with_and_without_the_prefilter(
        monkeypatch: pytest.MonkeyPatch) -> None:
    extractor = Extractor.from_settings(None)  # the rule layer is what the prefilter serves
    emails = [email_from_json(row) for row in read_jsonl(EMAILS)]

    def run() -> list[dict[str, object]]:
        rules.commitment_set.cache_clear()
        rules.signal_set.cache_clear()
        return [dataclasses.asdict(r) for r in extractor.extract_many(emails)]

    with_it = run()
    monkeypatch.setattr(prefilter, "re2", None)
    without = run()
    rules.commitment_set.cache_clear()
    rules.signal_set.cache_clear()
    assert with_it == without
    assert sum(len(r["commitments"]) for r in with_it) > 300  # type: ignore[arg-type]
