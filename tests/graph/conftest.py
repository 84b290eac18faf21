"""Fixtures for the Graph boundary: the official examples and a fake Graph."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import Any

import pytest

from app.graph.config import GraphConfig

from .fakegraph import BASE, FakeGraph

# msgraph-sdk's generated request builders warn about their own deprecated classes when
# first imported (a library matter); our tests must not fail on them. The project-wide
# pytest config should carry these two filters; until then they apply to our directories.
SDK_WARNINGS = (
    "ignore:This class is deprecated. Please use the generic:DeprecationWarning",
    "ignore:GetQueryParameters is deprecated:DeprecationWarning",
)

with warnings.catch_warnings():
    for _spec in SDK_WARNINGS:
        warnings.filterwarnings("ignore", _spec.split(":")[1], DeprecationWarning)
    import app.graph.delta  # noqa: F401
    import app.graph.subscriptions  # noqa: F401


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Adds the SDK warning filters to the tests of the Graph-facing directories."""
    for item in items:
        if {"graph", "ingest", "jobs"} & set(item.path.parts[-3:-1]):
            for spec in SDK_WARNINGS:
                item.add_marker(pytest.mark.filterwarnings(spec))

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = Path(
    os.environ.get("STORYLINE_GRAPH_EXAMPLES", ROOT.parent / "shared" / "graph-examples")
)


def example(name: str) -> Any:
    """One official example body by file name (skip when the examples are not beside us)."""
    for folder in ("json", "contrib-2023"):
        path = EXAMPLES / folder / name
        if path.exists():
            return json.loads(path.read_text(encoding="utf-8"))
    pytest.skip(f"Graph examples not found under {EXAMPLES}")


@pytest.fixture
def fake() -> FakeGraph:
    """An empty in-memory Graph."""
    return FakeGraph()


@pytest.fixture
def graph_config() -> GraphConfig:
    """A config pointing at the fake Graph with quick retries."""
    return GraphConfig(base_url=BASE, page_size=10, max_retries=5, max_retry_after=0.05)
