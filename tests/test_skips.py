"""CI's rule on skips (tests/skips.py): a contract check that did not run fails the build;
only a test of the labelled datasets, which cannot ship, may skip."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = '''
import pytest

def test_checks_a_schema():
    pytest.skip("schema not found")

@pytest.mark.datasets
def test_reads_the_datasets():
    pytest.skip("the datasets are absent")

def test_runs():
    pass
'''


def _run(tmp_path: Path, *args: str) -> str:
    (tmp_path / "test_sample.py").write_text(TESTS)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    # CI exports PYTEST_ADDOPTS=--no-skip; the inner run must see only the options given here.
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.skips",
         "-c", str(tmp_path / "pytest.ini"), "--rootdir", str(tmp_path), *args, str(tmp_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    return done.stdout.strip().splitlines()[-1]


def test_a_skip_fails_under_no_skip_but_a_missing_dataset_does_not(tmp_path: Path) -> None:
    summary = _run(tmp_path, "--no-skip")
    assert "1 failed" in summary and "1 skipped" in summary and "1 passed" in summary, summary


def test_without_the_option_skips_stay_skips(tmp_path: Path) -> None:
    summary = _run(tmp_path)
    assert "2 skipped" in summary and "failed" not in summary, summary
