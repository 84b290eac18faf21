"""The command-line contract: JSON Lines in, one object per line out, errors per line."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app.extract import ModelMissingWarning
from app.extract.__main__ import main, run
from app.extract.types import SIGNAL_KINDS

LINES = [
    json.dumps(
        {
            "id": "a",
            "subject": "Quote",
            "body": "<p>I'll send the revised quote by Friday.</p><p>Could you send the PO?</p>",
            "body_type": "html",
            "from": {"name": "Jonah Feld", "address": "jonah@northwindtraders.com"},
            "to": [{"name": "Dana Whitfield", "address": "dana@halvorsenfoods.com"}],
            "cc": [],
            "sent_at": "2026-11-18T10:00:00-05:00",
        }
    ),
    "{not json",
    json.dumps({"id": "no-body"}),
    json.dumps({"id": 7, "body": "Thanks!"}),
    json.dumps({"id": "bad-date", "body": "Hi", "sent_at": "yesterday-ish"}),
]


def _run_in_process(blank_extractor_lines: list[str], extractor: object) -> list[dict[str, Any]]:
    src = io.BytesIO(
        ("\n".join(blank_extractor_lines) + "\n").encode() + b'{"id":"x","body":"caf\xe9"}\n'
    )
    out = io.StringIO()
    run(extractor, src, out, io.StringIO())  # type: ignore[arg-type]
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_one_output_per_input_line_in_order(blank_extractor: object) -> None:
    out = _run_in_process(LINES, blank_extractor)
    assert [o["id"] for o in out] == ["a", None, "no-body", "7", "bad-date", "x"]
    first = out[0]
    assert set(first) >= {"id", "reply_text", "signature", "commitments", "signals", "entities",
                          "people"}
    assert [(c["kind"], c["owner"], c["due"]) for c in first["commitments"]] == [
        ("promise", "sender", "2026-11-20"),
        ("request", "recipient", None),
    ]
    for c in first["commitments"]:
        assert first["reply_text"][c["start"] : c["end"]] == c["text"]
    assert all(s["kind"] in SIGNAL_KINDS for s in first["signals"])
    for item in first["commitments"] + first["signals"]:  # issue 15: the seller's view
        assert isinstance(item["shown"], bool) and 0.0 <= item["confidence"] <= 1.0
    assert out[1]["error"].startswith("invalid JSON")
    assert out[2] == {"id": "no-body", "error": "missing 'body' (a string)"}
    assert "sent_at" in out[4]["error"]
    assert out[5]["reply_text"] == "caf\ufffd"  # bytes that are not UTF-8 are replaced, not fatal


def test_files_and_summary_with_the_fallback_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    with pytest.warns(ModelMissingWarning):
        assert main(["--input", str(src), "--output", str(dst), "--model", "no_such_model"]) == 0
    assert len(dst.read_text(encoding="utf-8").splitlines()) == len(LINES)
    summary = capsys.readouterr().err
    assert "5 lines, 3 errors, 2 commitments" in summary and "fallback" in summary


@pytest.mark.model
def test_python_dash_m_app_extract_on_stdin() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "app.extract"],
        input="\n".join(LINES) + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", None, "no-body", "7", "bad-date"]
    assert "5 lines, 3 errors" in proc.stderr


def test_a_deep_line_or_a_year_9999_date_gets_its_error_and_the_run_goes_on(
        blank_extractor: object) -> None:
    lines = [
        "[" * 100_000 + "]" * 100_000,
        json.dumps({"id": "late", "body": "I'll send it tomorrow.",
                    "sent_at": "9999-12-31T23:59:59Z"}),
        json.dumps({"id": "early", "body": "Could you send it by Friday?",
                    "sent_at": "0001-01-01T00:00:00Z"}),
        json.dumps({"id": "after", "body": "I'll send the quote by Friday.",
                    "sent_at": "2026-11-18T10:00:00Z"}),
    ]
    out, src = io.StringIO(), io.BytesIO(("\n".join(lines) + "\n").encode())
    counts = run(blank_extractor, src, out, io.StringIO())  # type: ignore[arg-type]
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(rows) == 4 and counts["emails"] == 4
    assert rows[0]["id"] is None and "deep" in rows[0]["error"]
    assert [r["id"] for r in rows[1:]] == ["late", "early", "after"]
    assert all("error" not in r for r in rows[1:])
    assert rows[3]["commitments"][0]["due"] == "2026-11-20"
