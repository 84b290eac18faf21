"""Hostile input: no crash, bounded time, and the output says what was cut or skipped."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from app.extract import EmailIn, Extractor
from app.extract.clean import MAX_RAW_CHARS


def test_empty_body_gives_an_empty_result(
    make_email: Callable[..., EmailIn], blank_extractor: Extractor
) -> None:
    res = blank_extractor.extract(make_email(""))
    assert (res.reply_text, res.commitments, res.signature, res.truncated) == ("", [], None, False)


def test_a_10_mb_body_is_cut_and_says_so(
    make_email: Callable[..., EmailIn], blank_extractor: Extractor
) -> None:
    body = "Could you send the signed MSA by Friday? " + "We reviewed the numbers again. " * 340_000
    assert len(body) > 10_000_000
    started = time.perf_counter()
    res = blank_extractor.extract(make_email(body))
    assert time.perf_counter() - started < 20
    assert res.truncated and any("first" in n for n in res.notes)
    assert len(res.reply_text) <= MAX_RAW_CHARS
    assert res.commitments[0].kind == "request"


def test_binary_junk_is_not_analysed(
    make_email: Callable[..., EmailIn], blank_extractor: Extractor
) -> None:
    rng = random.Random(4)
    junk = bytes(rng.randrange(256) for _ in range(200_000)).decode("latin-1")
    res = blank_extractor.extract(make_email(junk))
    assert res.reply_text == "" and any("binary" in n for n in res.notes)


def test_broken_html_still_yields_the_request(
    make_email: Callable[..., EmailIn], blank_extractor: Extractor
) -> None:
    body = "<html><body><div><p>Hi Ana,<p>Could you send the PO number?<b><i></div></td></span"
    res = blank_extractor.extract(make_email(body, body_type="html"))
    assert [c.action for c in res.commitments] == ["send the PO number"]


def test_deeply_nested_html_finishes_quickly(
    make_email: Callable[..., EmailIn], blank_extractor: Extractor
) -> None:
    body = "<div>" * 100_000 + "Please confirm the billing address." + "</div>" * 100_000
    started = time.perf_counter()
    res = blank_extractor.extract(make_email(body, body_type="html"))
    assert time.perf_counter() - started < 10
    assert any("nested" in n for n in res.notes)
    assert [c.kind for c in res.commitments] == ["request"]


def test_other_languages_and_odd_characters_do_not_crash(
    make_email: Callable[..., EmailIn], blank_extractor: Extractor
) -> None:
    bodies = [
        "Könnten Sie mir bitte den unterschriebenen Vertrag bis Freitag schicken?",
        "请在周五之前把报价单发给我。谢谢！",
        "Пожалуйста, пришлите договор до пятницы.",
        "Lone surrogate \ud800 and a NUL \x00 and emoji 🚀 in the middle.",
        "\u202eright-to-left override\u202c and zero\u200bwidth",
    ]
    results = blank_extractor.extract_many([make_email(b, id=str(i)) for i, b in enumerate(bodies)])
    assert [r.id for r in results] == ["0", "1", "2", "3", "4"]
    # a question in any language still asks the reader something; statements give nothing
    assert [c.kind for c in results[0].commitments] in ([], ["request"])
    assert results[1].commitments == [] and results[2].commitments == []


def test_one_endless_line_is_analysed_in_bounded_pieces(
    make_email: Callable[..., EmailIn], blank_extractor: Extractor
) -> None:
    body = "x" * 500_000 + " I'll send the quote tomorrow."
    started = time.perf_counter()
    res = blank_extractor.extract(make_email(body))
    assert time.perf_counter() - started < 10 and res.truncated
