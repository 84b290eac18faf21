"""A cheap sentence splitter for mail text: line structure first, then end punctuation.

Mail is full of lines that are sentences without a full stop (greetings, bullets, sign-offs)
and of hard-wrapped paragraphs; the parser of the statistical model gets both wrong often
and costs most of the time, so this splitter decides where sentences are.
"""

from __future__ import annotations

import re

MAX_SENTENCE = 1000  # characters; longer runs are cut so no sentence costs unbounded time
_SHORT_LINE = 45
_BULLET = re.compile(r"^\s*(?:[-*•·–]|\d{1,2}[.)]|[a-z][.)])\s+")
_END = re.compile(r"""(?<=[.!?])["')\]]*\s+(?=["'(\[]?[A-Z0-9])""")
_ABBREV = frozenset(
    "mr mrs ms dr prof sr jr st inc ltd co corp vs etc e.g i.e a.m p.m approx no dept est "
    "fig jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun u.s".split()
)


def _blocks(text: str) -> list[tuple[int, int]]:
    """Spans of text that belong together: a hard-wrapped paragraph is one block."""
    out: list[tuple[int, int]] = []
    pos, start = 0, None
    lines = text.split("\n")
    for i, line in enumerate(lines):
        stripped = line.strip()
        end = pos + len(line)
        if stripped:
            if start is None:
                start = pos + (len(line) - len(line.lstrip()))
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            boundary = (
                not nxt.strip()
                or len(stripped) < _SHORT_LINE
                or stripped.endswith((".", "!", "?", ":", ";"))
                or bool(_BULLET.match(nxt))
                or bool(_BULLET.match(line))
            )
            if boundary:
                out.append((start, pos + len(line.rstrip())))
                start = None
        pos = end + 1
    if start is not None:
        out.append((start, len(text.rstrip())))
    return out


def _cut_long(start: int, end: int, text: str) -> list[tuple[int, int]]:
    out = []
    while end - start > MAX_SENTENCE:
        cut = text.rfind(" ", start, start + MAX_SENTENCE)
        cut = cut if cut > start else start + MAX_SENTENCE
        out.append((start, cut))
        start = cut + 1
    out.append((start, end))
    return out


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Returns ``(start, end)`` character offsets of the sentences of ``text``."""
    out: list[tuple[int, int]] = []
    for b_start, b_end in _blocks(text):
        s = b_start
        for m in _END.finditer(text, b_start, b_end):
            word = text[max(b_start, m.start() - 12) : m.start()].split()
            last = word[-1].lower().rstrip(".!?\"')]") if word else ""
            if last in _ABBREV or (len(last) == 1 and last.isalpha()):
                continue
            out.extend(_cut_long(s, m.start(), text))
            s = m.end()
        if s < b_end:
            out.extend(_cut_long(s, b_end, text))
    return [(a, b) for a, b in out if text[a:b].strip()]
