"""``python -m app.dev.standin`` serves the sample over https and says where everything is."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import requests


def test_command_line_server_prints_its_urls_and_serves_the_sample(tmp_path: Path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.dev.standin", "--port", "0", "--sample", "--tls-dir",
         str(tmp_path)], stdout=subprocess.PIPE, text=True,
        cwd=Path(__file__).resolve().parents[2])
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        assert info["graph_url"].startswith("https://127.0.0.1:")
        assert Path(info["ca_bundle"]).exists()
        assert json.loads((tmp_path / "standin.json").read_text()) == info
        with requests.Session() as session:
            session.trust_env = False
            boxes = session.get(info["control"] + "/mailboxes", verify=info["ca_bundle"],
                                timeout=10).json()["value"]
        # five sellers, support@ and billing@
        assert len(boxes) == 7 and all(b["folders"]["inbox"]["count"] for b in boxes)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout:
            proc.stdout.close()
