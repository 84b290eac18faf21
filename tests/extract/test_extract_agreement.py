"""The agreement of the second passes with the first labels (eval/agreement.py): Cohen's
kappa on invented counts, the rule that chose the independent pass's emails, and the command."""

from __future__ import annotations

import pytest

from eval import agreement, data


def test_kappa_on_invented_counts() -> None:
    # 100 sentences: both say yes to 20, only the first to 10, only the second to 5, 65 neither.
    # observed 0.85; chance 0.30*0.25 + 0.70*0.75 = 0.60; kappa (0.85-0.60)/(1-0.60) = 0.625
    assert agreement.cohen_kappa(20, 10, 5, 65) == pytest.approx(0.625)
    assert agreement.cohen_kappa(10, 0, 0, 90) == pytest.approx(1.0)
    # raters who never agree beyond chance: yes rates 0.5 each, observed 0.5
    assert agreement.cohen_kappa(25, 25, 25, 25) == pytest.approx(0.0)
    assert agreement.cohen_kappa(0, 0, 0, 40) is None  # nobody ever said yes: undefined
    assert agreement.cohen_kappa(0, 0, 0, 0) is None


def test_the_table_counts_sentences_into_the_four_cells() -> None:
    t = agreement.Table()
    for a, b in [(True, True), (True, False), (False, True), (False, False), (False, False)]:
        t.add(a, b)
    f = t.figures()
    assert (f["both"], f["only_first"], f["only_second"], f["sentences"]) == (1, 1, 1, 5)
    assert f["agree"] == 0.6


def test_the_fifth_is_chosen_by_ids_alone() -> None:
    ids = [f"mail-{i}" for i in range(50)]
    chosen = agreement.fifth(ids)
    assert len(chosen) == 10 and chosen == agreement.fifth(reversed(ids))
    # the fifth was drawn from the 545 of the first pass, before emails-dev-more2.jsonl
    rows = data.label_rows() + data.label_rows(data.DEV_ONLY[0])
    second = {r["id"] for r in data.read_jsonl(agreement.SECOND_ANNOTATOR)}
    assert second == set(agreement.fifth(r["id"] for r in rows))


@pytest.mark.datasets
def test_the_command_prints_kappa_for_requests(capsys: pytest.CaptureFixture[str]) -> None:
    assert agreement.main([]) == 0
    out = capsys.readouterr().out
    assert "independent (second-annotator.jsonl): 109 emails" in out
    assert "same annotator (second-pass.jsonl)" in out
    header = next(line for line in out.splitlines() if "kappa" in line)
    request = next(line for line in out.splitlines() if line.split()[:1] == ["request"])
    kappa = request.split()[header.split().index("kappa")]
    assert -1.0 <= float(kappa) <= 1.0
