"""Which skips a run allows: ``--no-skip`` (what CI passes) fails every test that skips,
except the ones marked ``datasets``: the labelled real mail that cannot ship with the
repository. Everything else a test needs (schemas, Graph examples, services, the browser) is
in tests/data or installed by ``make test``, so a skip there means the check did not run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

# The team's labelled datasets, beside the repository when they are there at all.
DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"


def pytest_addoption(parser: pytest.Parser) -> None:
    """Registers ``--no-skip``."""
    parser.addoption("--no-skip", action="store_true", default=False,
                     help="fail tests that skip, but those marked datasets (CI)")


def pytest_configure(config: pytest.Config) -> None:
    """Registers the ``datasets`` marker."""
    config.addinivalue_line(
        "markers", "datasets: reads the labelled datasets beside the repository; skips "
        "when they are absent, the one skip --no-skip allows")


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skips a ``datasets`` test when the datasets are not beside the repository."""
    if item.get_closest_marker("datasets") is not None and not DATASETS.exists():
        pytest.skip("the labelled datasets (../shared/datasets) are absent")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Under ``--no-skip``, turns a skip into a failure that names its reason."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()  # type: ignore[attr-defined]
    if (not report.skipped or hasattr(report, "wasxfail")
            or not item.config.getoption("--no-skip")
            or item.get_closest_marker("datasets") is not None):
        return
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    report.outcome = "failed"
    report.longrepr = f"skipped, and --no-skip allows only the labelled datasets to be " \
                      f"absent: {reason}"
