"""What a seller is shown: every finding carries a calibrated confidence and ``shown``; the
shipped sentence model loads and ranks invented mail; the email as a whole comes first."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.extract import EmailIn, Extractor, model
from app.extract.context import broadcast, is_delivery


def test_the_shipped_model_loads_and_scores_sentences() -> None:
    loaded = model.load()
    assert loaded is not None
    asks = model.feature_text("Could you send the signed order form by Friday?",
                              kinds=["request"], signals=[], dated=True)
    closing = model.feature_text("Let me know if you have any questions.",
                                 kinds=[], signals=[], dated=False)
    ask, close = loaded.score([asks, closing])
    assert 0.0 <= close["request"] < ask["request"] <= 1.0


def test_the_classifier_reads_the_form_of_a_sentence_and_its_place() -> None:
    ask = model.feature_text("Could you send the signed order form by Friday?", kinds=["request"],
                             signals=[], dated=True, index=1, count=4).split()
    assert ask[:3] == ["could", "you", "send"]  # lower-cased
    for mark in ("zzrulerequest", "zzdated", "zzw1could", "zzw2could_you", "zzmodalyou",
                 "zzqyou", "zzlenb", "zzposearly", "zzwlfriday", "zznofirst", "zznsentb"):
        assert mark in ask
    closing = model.feature_text("Thanks, we will talk soon.", kinds=[], signals=[],
                                 dated=False, index=3, count=4).split()
    assert {"zzposlast", "zzthanks", "zzfirstfuture"} <= set(closing)
    assert "zznofirst" not in closing and "zzqyou" not in closing
    alone = model.feature_text("Hi Dana", kinds=[], signals=[], dated=False).split()
    assert "zzgreet" in alone and not any(m.startswith(("zzpos", "zznsent")) for m in alone)


def test_the_shipped_weights_hold_no_words_of_the_training_mail() -> None:
    import json

    import spacy

    strings = json.loads((model.MODEL_DIR / "sentences" / "vocab" / "strings.json").read_text(
        encoding="utf-8"))
    assert set(strings) <= set(spacy.blank("en").vocab.strings)


def test_the_vector_key_table_answers_like_a_dict() -> None:
    import numpy as np

    rows = model.KeyRows(np.array([30, 10, 20], dtype=np.uint64), np.array([2, 0, 1]))
    assert rows.get(20) == 1 and rows.get(15) == -1 and rows.get(99, 7) == 7
    assert 10 in rows and 11 not in rows and rows[30] == 2 and len(rows) == 3
    assert dict(rows.items()) == {10: 0, 20: 1, 30: 2}
    with pytest.raises(KeyError):
        rows[5]


def test_every_finding_has_a_confidence_and_a_shown_flag(
        blank_extractor: Extractor, make_email: Callable[..., EmailIn]) -> None:
    result = blank_extractor.extract(make_email(
        "Hi Dana,\n\nCould you send the signed order form by Friday? I'll send the revised "
        "quote tomorrow. Our budget for this is about $40,000.\n\nThanks,\nJonah"))
    assert result.commitments
    for item in [*result.commitments, *result.signals]:
        assert 0.0 <= item.confidence <= 1.0
        assert isinstance(item.shown, bool)
    asks = [c for c in result.commitments if c.kind == "request"]
    assert asks and asks[0].action.startswith("send the signed order form")


def test_a_clear_request_ranks_above_a_sign_off(
        blank_extractor: Extractor, make_email: Callable[..., EmailIn]) -> None:
    ask = blank_extractor.extract(make_email("Could you confirm the seat count by Friday?"))
    sign_off = blank_extractor.extract(make_email(
        "Attached is the agenda. Please let me know if you have any questions."))
    best = max(c.confidence for c in ask.commitments)
    assert all(c.confidence < best for c in sign_off.commitments)


@pytest.mark.parametrize("extra, body", [
    ({"to": [f"buyer{i}@halvorsenfoods.example" for i in range(12)]},
     "Please send your timesheets by Friday."),
    ({"to": ["sales-team@lists.northwind.example"]}, "Could you review the new pricing deck?"),
    ({}, "Hello everyone,\n\nPlease join our webinar on Thursday and register by Monday."),
    ({}, "Please review the attached policy by Friday.\n\nTo unsubscribe, click here."),
])
def test_broadcast_mail_yields_no_commitments(
        blank_extractor: Extractor, make_email: Callable[..., EmailIn],
        extra: dict[str, object], body: str) -> None:
    email = make_email(body, **extra)
    result = blank_extractor.extract(email)
    assert broadcast(email, result.reply_text)
    assert result.commitments == []
    assert all(not s.shown for s in result.signals)


@pytest.mark.parametrize("sentence", [
    "As promised, attached is the revised quote.",
    "Here are the signed forms.",
    "Dana, per your request, attached is the W-9.",
])
def test_a_delivery_is_no_promise(
        blank_extractor: Extractor, make_email: Callable[..., EmailIn], sentence: str) -> None:
    assert is_delivery(sentence)
    result = blank_extractor.extract(make_email(sentence, **{
        "from": {"address": "jonah@northwind.example"},
        "to": [{"address": "dana@halvorsenfoods.example"}]}))
    assert [c for c in result.commitments if c.kind == "promise"] == []


def test_two_promises_in_one_sentence_are_both_found(
        blank_extractor: Extractor, make_email: Callable[..., EmailIn]) -> None:
    result = blank_extractor.extract(make_email(
        "I will send the revised quote by Friday and we will book the demo room for Tuesday."))
    actions = [c.action for c in result.commitments if c.kind == "promise"]
    assert actions == ["send the revised quote", "book the demo room"]


def test_a_due_in_the_next_sentence_dates_the_request(
        blank_extractor: Extractor, make_email: Callable[..., EmailIn]) -> None:
    result = blank_extractor.extract(make_email(
        "Please send the signed order form. We expect it by 11 December."))
    requests = [c for c in result.commitments if c.kind == "request"]
    assert len(requests) == 1
    assert requests[0].action.startswith("send the signed order form")
    assert requests[0].due is not None and requests[0].due.isoformat() == "2026-12-11"


def test_the_classifier_reads_the_sentences_beside_one(blank_extractor: Extractor) -> None:
    from app.extract import decide

    res = blank_extractor.extract_many([EmailIn(
        id="nb", body="Hi Dana,\n\nCould you send the signed order form? Our board meets on "
                      "Friday and needs it.\n\nBest,\nMarta")])[0]
    spans, texts = decide.sentence_features(res)
    after = next(t for (a, b), t in zip(spans, texts, strict=True)
                 if res.reply_text[a:b].startswith("Our board")).split()
    assert {"zzprevquestion", "zzprevrequest"} <= set(after)
    assert not any(m.startswith("zznext") for m in after)
    ask = next(t for (a, b), t in zip(spans, texts, strict=True)
               if res.reply_text[a:b].startswith("Could you")).split()
    assert "zzprevquestion" not in ask and "zznextquestion" not in ask
