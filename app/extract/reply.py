"""Split the new part of a message from the quoted history and forwarded chain below it.

Our own splitter, chosen after measuring it against mail-parser-reply and email-reply-parser
on labelled real mail (docs/EXTRACTION.md): it knows Outlook ``From:/Sent:`` blocks (also
localised), ``On ... wrote:`` (also wrapped over two lines), ``-----Original Message-----``,
Lotus Notes ``Forwarded by``, the quote containers the HTML cleaner marks, and ``>`` runs.
Header patterns live in ``patterns/quote_headers.jsonl``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PATTERNS = Path(__file__).with_name("patterns") / "quote_headers.jsonl"
_BLOCK_LOOKAHEAD = 6  # lines after "From:" in which a "Sent:/To:/Subject:" must appear


@dataclass(frozen=True)
class _Rules:
    line: tuple[re.Pattern[str], ...]
    joined: tuple[re.Pattern[str], ...]
    block_start: re.Pattern[str]
    block_field: re.Pattern[str]
    separator: re.Pattern[str]
    to_block: re.Pattern[str]
    date_line: re.Pattern[str]


@cache
def _rules() -> _Rules:
    by_kind: dict[str, list[re.Pattern[str]]] = {}
    for raw in PATTERNS.read_text(encoding="utf-8").splitlines():
        if raw.strip():
            row = json.loads(raw)
            by_kind.setdefault(row["kind"], []).append(re.compile(row["regex"], re.I))
    return _Rules(
        line=tuple(by_kind["line"]),
        joined=tuple(by_kind["joined"]),
        block_start=by_kind["block_start"][0],
        block_field=by_kind["block_field"][0],
        separator=by_kind["separator"][0],
        to_block=by_kind["to_block"][0],
        date_line=by_kind["date_line"][0],
    )


def _lines(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def quote_start(text: str) -> int | None:
    """Returns the offset where quoted or forwarded history begins in ``text``, or None."""
    rules = _rules()
    lines = _lines(text)
    for i, (pos, raw) in enumerate(lines):
        line = raw.strip().lstrip("\t")
        if not line:
            continue
        if any(p.search(line) for p in rules.line):
            return _above_separator(lines, i)
        if rules.block_start.search(line) and _is_header_block(lines, i, rules):
            return _above_separator(lines, i)
        if rules.to_block.search(line) and _is_header_block(lines, i, rules, lookahead=3):
            above = _sender_lines_above(lines, i, rules)
            if above is not None:
                return above
        if line.startswith(("On ", "Am ", "Le ", "El ", "Il ", "Op ", "Em ", "Den ", "W dniu ")):
            for n in (1, 2, 3):
                cand = " ".join(raw2.strip() for _, raw2 in lines[i : i + n])
                if any(p.search(cand) for p in rules.joined):
                    return pos
        if line.startswith(">") and _mostly_quoted(lines[i:]):
            return pos
    return None


def _is_header_block(
    lines: list[tuple[int, str]], i: int, rules: _Rules, lookahead: int = _BLOCK_LOOKAHEAD
) -> bool:
    seen = 0
    for _, raw in lines[i + 1 : i + 1 + lookahead]:
        if rules.block_field.search(raw.strip()):
            seen += 1
    # "From: x" + one more header field is a quoted header; one alone is prose ("From: me")
    return seen >= 1


def _sender_lines_above(lines: list[tuple[int, str]], i: int, rules: _Rules) -> int | None:
    """Where a Lotus-style header starts: the sender and date lines just above ``To:``."""
    top, dated, seen = i, False, 0
    j = i - 1
    while j >= 0 and seen < 4:
        line = lines[j][1].strip()
        if line:
            if len(line) > 90:
                break
            seen += 1
            dated = dated or bool(rules.date_line.search(line))
            top = j
        elif seen:
            break
        j -= 1
    return lines[top][0] if dated else None


def _above_separator(lines: list[tuple[int, str]], i: int) -> int:
    rules = _rules()
    j = i - 1
    while j >= 0 and not lines[j][1].strip():
        j -= 1
    if j >= 0 and rules.separator.search(lines[j][1].strip()):
        return lines[j][0]
    return lines[i][0]


def _mostly_quoted(rest: list[tuple[int, str]]) -> bool:
    body = [raw.strip() for _, raw in rest if raw.strip()]
    quoted = sum(1 for line in body if line.startswith(">"))
    return quoted >= 2 and quoted * 2 >= len(body) or len(body) == 1


def split_reply(text: str) -> tuple[str, str]:
    """Returns ``(new_part, history)``: the text written in this message and what it quotes."""
    cut = quote_start(text)
    if cut is None:
        return text.rstrip(), ""
    return text[:cut].rstrip(), text[cut:]
