"""The deal stages are one vocabulary: the record's enum, which the task pane, the prep card
and the deal links all follow."""

from __future__ import annotations

import json
import re
from pathlib import Path

from app.records.models import DEAL_STAGES, OPEN_STAGES, DealStage

STORY_JS = Path(__file__).resolve().parents[2] / "addin" / "taskpane" / "js" / "story.js"


def test_the_task_pane_offers_exactly_the_records_stages_in_order() -> None:
    found = re.search(r"^const STAGES = (\[.*?\]);", STORY_JS.read_text(), re.M)
    assert found is not None
    assert json.loads(found.group(1)) == list(DEAL_STAGES)


def test_open_stages_are_the_ones_neither_won_nor_lost() -> None:
    assert OPEN_STAGES == ("lead", "qualified", "proposal", "negotiation")
    assert DEAL_STAGES == (*OPEN_STAGES, "won", "lost")


def test_a_stage_reads_as_a_seller_names_it() -> None:
    assert [DealStage(s).label for s in DEAL_STAGES] == [
        "Lead", "Qualified", "Proposal", "Negotiation", "Won", "Lost"]
