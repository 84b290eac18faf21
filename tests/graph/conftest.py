"""Fixtures for the Graph boundary: the official examples and a fake Graph."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.graph.config import GraphConfig

from .fakegraph import BASE, FakeGraph

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "graph-examples"


def example(name: str) -> Any:
    """One official example body by file name (tests/data/graph-examples)."""
    for folder in ("json", "contrib-2023"):
        path = EXAMPLES / folder / name
        if path.exists():
            return json.loads(path.read_text(encoding="utf-8"))
    raise FileNotFoundError(f"no Graph example {name} under {EXAMPLES}")


@pytest.fixture
def fake() -> FakeGraph:
    """An empty in-memory Graph."""
    return FakeGraph()


@pytest.fixture
def graph_config() -> GraphConfig:
    """A config pointing at the fake Graph with quick retries."""
    return GraphConfig(base_url=BASE, page_size=10, max_retries=5, max_retry_after=0.05)
