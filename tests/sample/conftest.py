"""Fixtures for the sample-company tests: one sample built at a fixed time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.dev.sample import SampleCompany, build_sample

NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def sample() -> SampleCompany:
    """The sample company generated at a fixed "now" with the default seed."""
    return build_sample(NOW)
