"""A linear-time prefilter in front of the rule patterns: which of them can match a sentence.

The rule pass tries about eighty regular expressions on every sentence, and Python's
backtracking engine spends most of its time on the large alternations proving that nothing
matches. RE2 (Google's automaton engine, ``google-re2``) answers "which of these patterns
can match?" for the whole set in one linear pass. Python's ``re`` still decides every match
that counts; the prefilter only skips patterns that cannot match.

That holds because each pattern is *relaxed* for RE2 into one that matches at least
everywhere the original does: lookarounds are dropped (they only ever forbid a match) and
named groups become plain groups. On printable ASCII text RE2's ``\\b``, ``\\w``, ``\\d``,
``\\s`` and ``.`` mean what Python's do; any other text (accents, curly quotes, control
characters) is not prefiltered at all. A pattern that RE2 cannot take is always tried.
Without ``google-re2`` installed every pattern is always tried: slower, same results.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

try:
    import re2
except ImportError:  # pragma: no cover - the lock file installs it
    re2 = None

_PLAIN = re.compile(r"[^\x20-\x7e\t\n\r\f]")  # where RE2's classes could differ from re's
_LOOKAROUND = ("(?<!", "(?<=", "(?!", "(?=")


def _skip_class(pattern: str, i: int) -> int:
    """The index just past the character class opening at ``pattern[i] == "["``."""
    j = i + 1
    if j < len(pattern) and pattern[j] == "^":
        j += 1
    if j < len(pattern) and pattern[j] == "]":
        j += 1
    while j < len(pattern) and pattern[j] != "]":
        j += 2 if pattern[j] == "\\" else 1
    return j + 1


def _group_end(pattern: str, i: int) -> int:
    """The index just past the group opening at ``pattern[i] == "("``."""
    depth, j = 0, i
    while j < len(pattern):
        c = pattern[j]
        if c == "\\":
            j += 2
            continue
        if c == "[":
            j = _skip_class(pattern, j)
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    raise ValueError("unbalanced group")


def relax(pattern: str) -> str:
    """``pattern`` without lookarounds and with named groups unnamed: it matches wherever
    ``pattern`` does (and maybe more), in a syntax RE2 accepts."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith(_LOOKAROUND, i):
            i = _group_end(pattern, i)
            out.append("(?:)")  # keeps a following quantifier attached to something
            continue
        if pattern.startswith("(?P<", i):
            out.append("(?:")
            i = pattern.index(">", i) + 1
            continue
        if pattern[i] == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if pattern[i] == "[":
            end = _skip_class(pattern, i)
            out.append(pattern[i:end])
            i = end
            continue
        out.append(pattern[i])
        i += 1
    return "".join(out)


class PatternSet:
    """The RE2 set of some patterns' relaxed forms; :meth:`possible` narrows what to try."""

    def __init__(self, patterns: Sequence[re.Pattern[str]], *, use_re2: bool = True) -> None:
        self.size = len(patterns)
        self.always: list[int] = []  # patterns RE2 cannot take: tried every time
        self._set = None
        self._index: list[int] = []  # RE2 set slot -> pattern index
        if re2 is None or not use_re2:  # use_re2=False: the bench's side-by-side baseline
            return
        options = re2.Options()
        options.max_mem = 64 << 20
        options.case_sensitive = True  # each pattern carries its own (?i)
        search = re2.Set.SearchSet(options)
        for n, p in enumerate(patterns):
            flags = "(?i)" if p.flags & re.IGNORECASE else ""
            try:
                search.Add(flags + relax(p.pattern))
            except (ValueError, re2.error):
                self.always.append(n)
                continue
            self._index.append(n)
        search.Compile()
        self._set = search

    @property
    def active(self) -> bool:
        """True when RE2 is there to narrow anything."""
        return self._set is not None and len(self.always) < self.size

    def possible(self, text: str) -> frozenset[int] | None:
        """Indices of the patterns that may match ``text``; None: try them all."""
        if self._set is None or _PLAIN.search(text):
            return None
        hits = self._set.Match(text) or []
        return frozenset(self._index[h] for h in hits).union(self.always)
