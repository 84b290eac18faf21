"""One rule pass per sentence, and which sentences then need which statistical component.

The rules decide commitments and signals on their own; the model adds two things, and each
costs about a third of the full pipeline: the tagger, to recognise commands that open with a
verb outside our list ("Finalize the checklist"), and the NER, to find people and
organisations. So a sentence goes to the tagger only when it opens with a word that could be
a verb and no request was found, and to the NER only when it holds a capitalised word after
its first one (or a known name), except a salutation line, whose name the rule reads.
Sentences with neither skip the model entirely.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .rules import (
    RawCommitment,
    RawSignal,
    conditional_command,
    find_commitments,
    find_signals,
    has_commitment_cue,
    opens_with_imperative,
    strip_lead,
)

_CLOSED = frozenset(
    """i we you he she they it this that these those the a an our my your their his her its
    there here thanks thank hi hello hey dear as at in on for with from by to of if when while
    after before since because so and but or also just not no yes ok okay great good sounds
    looking hope happy glad attached all any some each every one two what how who why where
    which it's i'm we're i'll we'll i've we've i'd we'd you're you'll they're there's that's
    best regards cheers sincerely kind warm many thx sorry unfortunately fyi re fw fwd please
    let's lets sure absolutely perfect agreed noted will would could can should may might
    is are was were be been do does did have has had per via btw ps""".split()
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# a capitalised word after another word; bare acronyms (MSA, SOW, CFO) are left out
_INNER_CAP = re.compile(r"(?<=[\w,;:)] )[A-Z]{1,2}[a-z]+")


def needs_tagger(sentence: str, found_request: bool) -> bool:
    """True when only a part-of-speech tag can tell whether the sentence is a command."""
    if found_request or sentence.rstrip().endswith("?"):
        return False
    m = _WORD.match(strip_lead(sentence.strip()))
    return m is not None and m.group(0).lower() not in _CLOSED


# capitalised words that are never a person or an organisation
_NOT_NAMES = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december i i'm i'll i've i'd eod cob
    please thanks thank christmas easter""".split()
)


# a salutation line ("Dear Dana,", "Good morning Dana -") holds nothing but the reader's name:
# the rule reads the name, so the line never needs the statistical NER
_SALUTATION = re.compile(
    r"^(?i:hi|hello|hey|dear|greetings|good (?:morning|afternoon|evening)|morning|afternoon)"
    r"(?:\s+(?i:all|team|everyone|folks))?\s+(?P<name>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,2})?"
    r"\s*[,:!-]?$"
)


def salutation_name(sentence: str) -> tuple[int, int] | None:
    """Offsets of the name in a salutation line ("Dear Dana," -> "Dana"), else None."""
    m = _SALUTATION.match(sentence)
    if m is None or m.group("name") is None:
        return None
    return m.span("name")


def needs_ner(sentence: str, names: re.Pattern[str] | None = None) -> bool:
    """True when a capitalised word inside the sentence may be a person or organisation."""
    if names is not None and names.search(sentence):
        return True
    if _SALUTATION.match(sentence.strip()):
        return False  # the pipeline takes the name from the salutation itself
    body = strip_lead(sentence.strip())
    return any(m.group(0).lower() not in _NOT_NAMES for m in _INNER_CAP.finditer(body))


@dataclass(frozen=True)
class Scan:
    """The rule layer's reading of one sentence: its cues and whether it is a candidate."""

    commitments: tuple[RawCommitment, ...]
    signals: list[RawSignal]
    candidate: bool


def scan(
    sentence: str,
    names: re.Pattern[str] | None = None,
    competitors: re.Pattern[str] | None = None,
) -> Scan:
    """Commitment and signal cues of ``sentence`` in one pass (each union regex once).

    ``candidate`` agrees with :func:`app.extract.rules.is_candidate`: a cue, a question, a
    command, or a known name. The pipeline hands both lists to the spaCy components of
    one-sentence docs, so the patterns are not searched twice.
    """
    s = sentence.strip()
    if not s:
        return Scan((), [], False)
    lead_free = strip_lead(s)
    cued = has_commitment_cue(s, lead_free)
    asks = s.endswith("?") or opens_with_imperative(s) or conditional_command(s) is not None
    commitments = find_commitments(s, cued=cued) if cued or asks else ()
    signals = find_signals(sentence, competitors)
    candidate = cued or asks or bool(signals) or bool(names and names.search(s))
    return Scan(commitments, signals, candidate)
