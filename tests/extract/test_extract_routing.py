"""Which sentences reach the statistical model, and what the rules read without it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.extract import EmailIn, Extractor
from app.extract.routing import needs_ner, salutation_name, scan
from app.extract.rules import is_candidate


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("Dear Dana,", "Dana"),
        ("Good morning Dana Whitfield,", "Dana Whitfield"),
        ("Hey Jonah -", "Jonah"),
        ("Hi all,", None),
    ],
)
def test_a_salutation_line_gives_its_name_without_the_ner(line: str, name: str | None) -> None:
    span = salutation_name(line)
    assert (line[span[0] : span[1]] if span else None) == name
    assert not needs_ner(line)


@pytest.mark.parametrize(
    "sentence",
    [
        "Please forward the final contract to Rafael for signature.",
        "Hi Dana, could you ask Priya to join the call?",
    ],
)
def test_names_inside_a_sentence_still_go_to_the_ner(sentence: str) -> None:
    assert needs_ner(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Could you send the signed MSA?",
        "Our budget for next year is $40k.",
        "If you agree, send me the order form.",
        "The weather was lovely in Lisbon.",
        "   ",
    ],
)
def test_the_one_pass_scan_agrees_with_the_candidate_filter(sentence: str) -> None:
    assert scan(sentence).candidate == is_candidate(sentence)


@pytest.mark.model
def test_the_readers_name_in_the_salutation_is_a_person(
    make_email: Callable[..., EmailIn], model_extractor: Extractor
) -> None:
    res = model_extractor.extract(make_email("Dear Dana,\n\nCould you send the signed MSA?"))
    assert [(e.label, e.text) for e in res.entities] == [("PERSON", "Dana")]
