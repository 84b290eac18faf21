"""Storyline's reply split on the public test suites of other reply parsers.

The fixtures and the peers' test files are copied unchanged under ``tests/data/reply-parsers/``
(sources, commits and licences in ``tests/data/README.md``). Each peer assertion is written as
data in ``expectations.json``, naming the peer test it translates; a case passes only when
every one of its expectations holds. Nothing here is derived from Storyline's own output.

Where the peers' notion of "the reply" differs from Storyline's by definition, the comparison
is made against the field that holds the same thing, case by case in the data:

- ``reply`` is ``ExtractionResult.reply_text``: the new part without quoted history and without
  the signature block. GitHub's parser (and zapier's port) hide signatures and "Sent from my
  ..." lines, so their visible text is compared here; so is crisp's first fragment.
- ``new_part`` is the new part before the signature split (what ``split_reply`` returns). Talon's
  ``extract_from_plain``/``extract_from_html`` keep the sign-off, so talon is compared here.
- ``signature`` is the signature block's text; ``history`` is what the split cut off.
- ``body`` is ``reply_text`` without a trailing closing line ("Regards,"): crisp counts the
  closing as signature, Storyline keeps it with the message text.
- Quoted text that a peer leaves visible between new fragments (inline and bottom replies) is
  history for Storyline: quoted text never counts as this message's text (issue 15, item 4).
  The new fragments around it must still all be in ``reply``.

Text is compared after whitespace normalisation only: lines stripped, runs of spaces made one,
blank lines dropped (the cleaner does the same to every body before the split), and for
talon's HTML cases with all whitespace removed, as talon's own tests compare. Cases the peers
settle differently from Storyline on purpose are ``xfail(strict=True)`` with the reason in the
data; the peer tests that assert nothing about the split are listed as ``not_applicable``.
"""

from __future__ import annotations

import email
import email.iterators
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app.extract.clean import clean_body
from app.extract.reply import split_reply
from app.extract.signature import _is_closing, split_signature

DATA = Path(__file__).resolve().parents[1] / "data" / "reply-parsers"
SPEC = json.loads((DATA / "expectations.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Split:
    """What Storyline made of one fixture, by field."""

    new_part: str
    reply: str
    signature: str
    history: str

    def field(self, name: str) -> str:
        if name == "body":
            lines = self.reply.rstrip().split("\n")
            if lines and _is_closing(lines[-1]):
                lines.pop()
            return "\n".join(lines)
        value: str = getattr(self, name)
        return value


def _norm(text: str) -> str:
    lines = (re.sub(r"[ \t\xa0]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _eml_plain_text(raw: str) -> str:
    """The first text/plain part of a .eml, decoded, as talon's test_standard_replies reads it."""
    msg = email.message_from_string(raw)
    part = next(email.iterators.typed_subpart_iterator(msg, subtype="plain"))
    out = []
    for sub in part.walk():
        payload = sub.get_payload(decode=True)
        out.append(payload.decode("utf8") if isinstance(payload, bytes) else str(payload))
    return "".join(out)


def _message(case: dict[str, Any]) -> str:
    if "message" in case:
        return str(case["message"])
    path = DATA / case["fixture"]
    raw = path.read_bytes().decode("utf-8")
    return _eml_plain_text(raw) if path.suffix == ".eml" else raw


def run_split(case: dict[str, Any]) -> Split:
    """Storyline's path for a body: clean, split the reply, split the signature."""
    text = clean_body(_message(case), case.get("body_type", "text")).text
    new_part, history = split_reply(text)
    reply, sig = split_signature(new_part)
    return Split(new_part, reply, sig.text if sig else "", history)


def failures(case: dict[str, Any], got: Split) -> list[str]:
    """The expectations of one case that do not hold, each as a readable line."""
    bad = []
    for exp in case["expect"]:
        value, want = got.field(exp["field"]), exp.get("value", "")
        op = exp["op"]
        if op == "equals":
            ok = _norm(value) == _norm(want)
        elif op == "equals_without_whitespace":
            ok = re.sub(r"\s", "", value) == re.sub(r"\s", "", want)
        elif op == "contains":
            ok = want in value
        elif op == "not_contains":
            ok = want not in value
        elif op == "match":  # the peers' regexes, on the normalised text
            ok = re.search(want, _norm(value)) is not None
        else:
            raise ValueError(f"unknown op {op!r}")
        if not ok:
            bad.append(f"{exp['field']} {op} {want!r}: got {value!r}")
    return bad


def _params() -> list[Any]:
    out = []
    for case in SPEC["cases"]:
        marks = []
        if case.get("xfail"):
            marks.append(pytest.mark.xfail(reason=case["xfail"], strict=True))
        out.append(pytest.param(case, id=f"{case['suite']}:{case['peer_test']}", marks=marks))
    return out


@pytest.mark.parametrize("case", _params())
def test_peer_suite_case(case: dict[str, Any]) -> None:
    assert failures(case, run_split(case)) == []


def test_every_case_names_its_peer_test_and_a_copied_fixture() -> None:
    for case in SPEC["cases"]:
        assert case["peer_test"] and case["expect"]
        assert "message" in case or (DATA / case["fixture"]).is_file(), case["peer_test"]
    for row in SPEC["not_applicable"]:
        assert row["why"], row["peer_test"]
