"""The front-end files in addin/ pass ESLint (eslint.config.mjs), so CI checks them too."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_the_addin_javascript_passes_eslint() -> None:
    tool = ROOT / "node_modules" / ".bin" / "eslint"
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    if not tool.exists():
        pytest.skip("eslint is not installed: run `npm ci` at the repo root")
    done = subprocess.run([str(tool), "--max-warnings", "0", "addin"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
