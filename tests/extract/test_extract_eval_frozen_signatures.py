"""The signature set's test part is frozen: its own salted split of the 722 emails by email
id (``eval/signature_split.py``), checked against the checksums committed in
``eval/frozen-signatures.json``; a changed label or a moved email fails here."""

from __future__ import annotations

import pytest

from eval import signature_split as sigsplit


@pytest.mark.datasets
def test_the_signature_test_part_is_the_frozen_one() -> None:
    if not sigsplit.available():
        pytest.skip("the development sets are not on this machine")
    assert sigsplit.checksums(sigsplit.zone_rows(), sigsplit.block_rows()) == sigsplit.frozen()


def test_the_split_is_its_own_and_by_email() -> None:
    frozen = sigsplit.frozen()
    assert frozen["salt"] == sigsplit.SALT != "storyline-issue-15"
    assert 0.2 < frozen["emails_test"] / frozen["emails"] < 0.4
    ids = [f"invented-{n}" for n in range(2000)]
    share = sum(sigsplit.part(i) == "test" for i in ids) / len(ids)
    assert 0.27 < share < 0.33
    assert all(sigsplit.part(i) == sigsplit.part(i) for i in ids[:50])


def test_every_test_look_is_logged() -> None:
    assert sigsplit.LOOKS.name == "test-looks-signatures.jsonl"
    assert sigsplit.looks() >= 0
