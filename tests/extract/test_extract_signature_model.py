"""The signature line model (app/extract/signature_model.py) ships, loads and reads invented
blocks right; its decision keeps the rules' choice where it is unsure. Invented people and
companies only."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.extract import signature_model
from app.extract.signature import parse_signature, read_block, split_signature
from app.extract.signature_model import Decision, choose, feature_text

BLOCKS = [
    ("Dana Whitfield\nVP Procurement\nNorthwind Traders Ltd.\n+1 312 555 0190\n"
     "dana@northwind.example",
     ("Dana Whitfield", "VP Procurement", "Northwind Traders Ltd.")),
    ("Marta Oyelaran | Head of Partnerships | Bellweather Analytics GmbH\nm: +49 30 5550 1234",
     ("Marta Oyelaran", "Head of Partnerships", "Bellweather Analytics GmbH")),
    ("Tomasz Krawiec\nSenior Account Manager\nQuillfeather Logistics, Inc.\n"
     "www.quillfeather.example",
     ("Tomasz Krawiec", "Senior Account Manager", "Quillfeather Logistics, Inc.")),
    ("Priya Raman\nDirector, Customer Success\nOrchid Valley Software\n"
     "priya@orchidvalley.example",
     ("Priya Raman", "Director, Customer Success", "Orchid Valley Software")),
]
TRUSTING = Decision({f: 0.5 for f in signature_model.FIELDS},
                    {f: 0.0 for f in signature_model.FIELDS})


@pytest.fixture(scope="module")
def model() -> signature_model.SignatureModel:
    loaded = signature_model.load()
    assert loaded is not None, "app/extract/model/signature/ is missing: run make train"
    return loaded


def test_the_shipped_weights_load_once_and_are_small(model: signature_model.SignatureModel
                                                     ) -> None:
    assert signature_model.load() is model
    assert set(model.labels) == {"name", "title", "company", "other"}
    size = sum(p.stat().st_size for p in signature_model.MODEL_DIR.rglob("*") if p.is_file())
    assert size < 2_000_000
    for f in signature_model.FIELDS:
        assert f in model.decision.take and f in model.decision.keep


@pytest.mark.parametrize(("block", "fields"), BLOCKS)
def test_the_model_reads_each_line_of_an_invented_block(
        model: signature_model.SignatureModel, block: str, fields: tuple[str, ...]) -> None:
    _, segments = read_block(block, 0)
    scores = model.scores([feature_text(s.text, s.marks) for s in segments])
    labelled = {max(sc, key=lambda k: sc[k]): s.text for s, sc in zip(segments, scores,
                                                                       strict=True)}
    assert (labelled.get("name"), labelled.get("title"), labelled.get("company")) == fields


@pytest.mark.parametrize(("block", "fields"), BLOCKS)
def test_the_model_deciding_gives_the_fields(model: signature_model.SignatureModel,
                                             monkeypatch: pytest.MonkeyPatch, block: str,
                                             fields: tuple[str, ...]) -> None:
    monkeypatch.setattr(model, "decision", TRUSTING)
    sig = parse_signature(block, 0)
    assert (sig.name, sig.title, sig.company) == fields
    assert sig.phones or sig.emails or sig.urls  # contact details stay the rules'


def test_the_shipped_decision_gives_the_fields_end_to_end() -> None:
    for block, fields in BLOCKS:
        _, sig = split_signature("Thanks for the call today.\n\nBest regards,\n" + block)
        assert sig is not None
        assert (sig.name, sig.title, sig.company) == fields


def test_without_the_model_the_rules_decide(monkeypatch: pytest.MonkeyPatch) -> None:
    block, fields = BLOCKS[0]
    assert (lambda s: (s.name, s.title, s.company))(
        parse_signature(block, 0, use_model=False)) == fields
    monkeypatch.setattr(signature_model, "load", lambda *a: None)
    sig = parse_signature(block, 0)
    assert (sig.name, sig.title, sig.company) == fields


def test_choose_takes_sure_parts_and_keeps_the_rules_where_unsure() -> None:
    texts = ["Lena Marchetti", "Procurement Lead", "Saltmarsh Ceramics"]
    rules = ["name", None, "title"]  # the rules read the company line as a title
    rule_values = ("Lena Marchetti", "Saltmarsh Ceramics", None)
    scores = [
        {"name": 0.6, "title": 0.1, "company": 0.0, "other": 0.3},  # unsure: rules stay
        {"name": 0.0, "title": 0.9, "company": 0.05, "other": 0.05},
        {"name": 0.0, "title": 0.1, "company": 0.85, "other": 0.05},
    ]
    sure = Decision({"name": 0.8, "title": 0.8, "company": 0.8},
                    {"name": 0.2, "title": 0.2, "company": 0.2})
    assert choose(texts, rules, scores, rule_values, sure) == (
        "Lena Marchetti", "Procurement Lead", "Saltmarsh Ceramics")
    rules_alone = Decision({f: 1.01 for f in sure.take}, {f: 0.0 for f in sure.keep})
    assert rules_alone.rules_alone and not sure.rules_alone
    assert choose(texts, rules, scores, rule_values, rules_alone) == rule_values
    veto = replace(sure, take={f: 1.01 for f in sure.take}, keep={**sure.keep, "title": 0.5})
    # the model scores the rules' title part 0.1 as a title: dropped, nothing put instead
    assert choose(texts, rules, scores, rule_values, veto) == ("Lena Marchetti", None, None)


def test_the_shipped_vocabulary_holds_no_words_of_the_training_mail() -> None:
    import json

    import spacy

    shipped = set(json.loads((signature_model.MODEL_DIR / "vocab" / "strings.json").read_text(
        encoding="utf-8")))
    assert shipped <= set(spacy.blank("en").vocab.strings)
