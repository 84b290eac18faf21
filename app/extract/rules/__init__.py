"""The rule layer: commitment and signal cues over one sentence, as plain string matching.

It is cheap (regular expressions from ``patterns/*.jsonl``), so it runs on every sentence. The
rules are not the final word: they propose candidates and give the trained sentence model
(:mod:`app.extract.model`) features; the model's calibrated probability decides what a seller
is shown. The spaCy components in :mod:`app.extract.components` and the router call the same
functions, so the candidate filter and the components never disagree about what is a cue.

- :mod:`.patterns`: the cue files, compiled, and their unions;
- :mod:`.forms`: lead-ins, commands, conditions, pleasantries;
- :mod:`.actions`: the few words a card shows;
- :mod:`.commitments`: promise and request cues;
- :mod:`.signals`: deal-signal cues and their values.
"""

from __future__ import annotations

from .actions import MAX_ACTION_WORDS, clean_action, is_headline, sentence_as_action
from .commitments import excluded, find_commitments, has_commitment_cue
from .forms import (
    conditional_command,
    is_candidate,
    not_imperative,
    opens_with_imperative,
    strip_lead,
)
from .patterns import (
    PATTERN_DIR,
    Pattern,
    RawCommitment,
    RawSignal,
    commitment_patterns,
    commitment_set,
    imperative_verbs,
    signal_patterns,
    signal_set,
)
from .signals import MONEY_RE, PERCENT_RE, ROLE_RE, SEATS_RE, find_signals

__all__ = [
    "MAX_ACTION_WORDS",
    "MONEY_RE",
    "PATTERN_DIR",
    "PERCENT_RE",
    "ROLE_RE",
    "SEATS_RE",
    "Pattern",
    "RawCommitment",
    "RawSignal",
    "clean_action",
    "commitment_patterns",
    "commitment_set",
    "conditional_command",
    "excluded",
    "find_commitments",
    "find_signals",
    "has_commitment_cue",
    "imperative_verbs",
    "is_candidate",
    "is_headline",
    "not_imperative",
    "opens_with_imperative",
    "sentence_as_action",
    "signal_patterns",
    "signal_set",
    "strip_lead",
]
