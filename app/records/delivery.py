"""Does a later mail or meeting deliver an open commitment? Pure rules, precision first.

A commitment is delivered by a later interaction of the side that owes it (our promise, or
the customer's request of us, by our outbound mail; their promise, or our request of them,
by their inbound mail) when:

- an attachment's name covers the promised thing ("send the pricing sheet" and
  ``Harbor_Pricing_Sheet.pdf``), and no sentence of the mail puts that thing off; or
- a sentence says it is being delivered now ("as promised", "attached is", "here is the",
  "please find attached", "I've attached", "sending over", "enclosed" ...) and names the
  thing, in a clause that is not a question, a negation, a condition or the future; or
- for "set up a call / schedule a demo", a meeting with those people was held (not
  cancelled, ended before now).

Words are compared as light stems (plural, -ing, -ed, final e), with a few synonyms and
acronyms ("MSA" and "Master Services Agreement"); no spaCy here, this runs on the write path.
Nothing here reads the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

__all__ = ["Delivery", "LaterItem", "OpenItem", "delivers", "has_delivery_words", "hands_over_now",
           "is_delivery_sentence", "is_meeting_action", "thing_of"]

EVIDENCE_MAX = 300


@dataclass(frozen=True, kw_only=True)
class OpenItem:
    """An open promise or request: who owes it (``side``: us or them) and what it is."""

    kind: str  # promise | request
    side: str  # us | them
    action: str


@dataclass(frozen=True, kw_only=True)
class LaterItem:
    """The later email or meeting that might deliver it."""

    kind: str  # email | meeting
    direction: str  # inbound | outbound
    subject: str = ""
    body: str = ""
    attachments: tuple[str, ...] = ()
    cancelled: bool = False
    occurred_at: datetime | None = None
    ends_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class Delivery:
    """Why an item counts as delivered: ``how`` (attachment, words, meeting), the evidence."""

    how: str
    evidence: str


# -- words ---------------------------------------------------------------------------------
_WORD = re.compile(r"[a-z]+|\d+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_STOP = frozenset("""a an the of for to on in at by with and or from into our your their my
his her its this that these those some any all more me you us them him it we i they be
is are was were over along across back up out about as per via also too just""".split())
# words of time that say when, not what
_WHEN = frozenset("""today tomorrow tonight yesterday week weeks month next end eod eow cob
monday tuesday wednesday thursday friday saturday sunday morning afternoon evening soon asap
later shortly early earliest first last asap""".split())
# verbs of handing something over (the action's verb, and the ones around it)
_GIVE = frozenset("""send sent share shar forward provid email e mail get give circulat
deliver return upload submit pass drop post prepar put pull together draft write includ
attach resend""".split())
# modifiers that do not change what the thing is ("the revised proposal" is the proposal)
_WEAK = frozenset("""revis updat latest new final current full short quick brief copy
version official little v1 v2 v3 v4 complet fresh""".split())
# things too vague to match on their own ("send more info")
_VAGUE = frozenset("""info information detail thing stuff document doc file one everything
answer note material item bit""".split())
_CANON = {"slide": "deck", "presentation": "deck", "quotation": "quote", "price": "pric",
          "recap": "summary", "minut": "note", "documentation": "doc", "countersign": "sign",
          "countersigned": "sign", "agreement": "agreement", "figur": "number",
          "stat": "number", "statistic": "number"}


def stem(word: str) -> str:
    """A light stem: plural, -ing, -ed and a final e off ("pricing", "price" -> "pric")."""
    w = word.lower().replace("\u2019", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 4 and w.endswith("sses"):
        w = w[:-2]
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if len(w) > 5 and w.endswith("ing"):
        w = w[:-3]
    elif len(w) > 4 and w.endswith("ed"):
        w = w[:-2]
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    return _CANON.get(w, w)


def _words(text: str) -> list[str]:
    """Lower-case words and numbers, camelCase and letter-digit runs split."""
    return _WORD.findall(_CAMEL.sub(" ", text).lower())


def _stems(text: str) -> set[str]:
    words = _words(text)
    out = {stem(w) for w in words if w not in _STOP}
    # acronyms of consecutive words: "Master Services Agreement" also reads as "msa"
    for n in (2, 3, 4):
        for i in range(len(words) - n + 1):
            window = [w for w in words[i:i + n] if not w.isdigit()]
            if len(window) == n:
                out.add("".join(w[0] for w in window))
                content = [w for w in window if w not in ("of", "and", "the")]
                if len(content) >= 2:
                    out.add("".join(w[0] for w in content))
    return out


def thing_of(action: str) -> frozenset[str]:
    """The stems of what an action hands over ("send over the revised SOW" -> {"sow"}):
    without the verb, the time, the people and the modifiers; empty when it names nothing."""
    stems = [stem(w) for w in _words(action) if w not in _STOP and w not in _WHEN]
    stems = [s for s in stems if s not in _GIVE and stem(s) not in _GIVE]
    core = [s for s in stems if s not in _WEAK] or stems
    return frozenset(core)


def _covered(thing: frozenset[str], found: set[str]) -> bool:
    """Whether ``found`` names the thing: all of it (one or two stems), else two thirds;
    never on vague words alone."""
    if not thing or thing <= _VAGUE:
        return False
    hit = thing & found
    if not hit or hit <= _VAGUE:
        return False
    if len(thing) <= 2:
        return hit == thing
    return len(hit) * 3 >= len(thing) * 2


# -- sentences -----------------------------------------------------------------------------
_CUE = re.compile(r"""
    \bas\ (?:promised|requested|you\ asked|asked|discussed) |
    \battached\b | \benclosed\b | \bplease\ find\b |
    \bhere(?:'s|\u2019s|\ is|\ are|\ you\ go|\ it\ is|\ they\ are)\b |
    \b(?:i|we)(?:'ve|\u2019ve|\ have)?\ (?:just\ |now\ |also\ )?
        (?:attached|enclosed|sent|shared|uploaded|forwarded|included|put)\b |
    \bsending\ (?:over|along|across|you|the|our|it|them)\b |
    \byou(?:'ll|\u2019ll|\ will|\ can)\ find\b
""", re.I | re.X)
# cue phrases with words that are blockers elsewhere ("you'll find" is not the future)
_CUE_MASK = re.compile(r"\byou(?:'ll|\u2019ll| will| can) find\b|\bplease find\b", re.I)
_BLOCK = re.compile(r"""
    \?|
    \b(?:will|shall|won't|wont|going\ to|gonna|plan(?:ning)?\ to|planned\ to|intend\ to|
       about\ to|aim\ to|hope\ to|expect|should\ have|would|could|might|may)\b |
    \w(?:'ll|\u2019ll)\b |
    \b(?:tomorrow|next\ (?:week|month|time)|shortly|soon|to\ follow|follows?\ (?:shortly|
       separately|later)|later)\b |
    \b(?:still|working\ on|finali[sz]ing|almost|nearly|in\ progress|being\ \w+|processing|
       pulling|putting\ together|collecting|reviewing|waiting|pending|in\ review|drafting)\b |
    \b(?:not|no|never|yet|cannot|unable|without|forgot|forgotten|missing|lost)\b |
    n't\b | n\u2019t\b |
    \b(?:once|if|unless|until|as\ soon\ as|whether|which)\b |
    \b(?:let\ me\ know|do\ you|did\ you|can\ you|could\ you|would\ you|are\ you)\b |
    \b(?:template|again|instead\ of|competitor|from\ your)\b
""", re.I | re.X)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n\s*\n|\n(?=\s*[-*\u2022])")
_CLAUSE = re.compile(r"\s*(?:[;:\u2014\u2013]|\s-\s|,\s*(?:and|but)\b|\bbut\b|,\s*while\b)\s*",
                     re.I)


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text or "") if s and s.strip()]


def _clause_state(sentence: str, thing: frozenset[str]) -> str | None:
    """For a sentence naming the thing: ``"delivered"`` (a cue in the sentence, the clause
    naming it free of blockers), ``"blocked"`` (named, but asked, denied or put off), or None
    (not named)."""
    named = [c for c in _CLAUSE.split(sentence) if c and _covered(thing, _stems(c))]
    if not named:
        return None
    if "?" in sentence:
        return "blocked"
    if any(_BLOCK.search(_CUE_MASK.sub(" ", c)) for c in named):
        return "blocked"
    return "delivered" if _CUE.search(sentence) else None


def is_delivery_sentence(text: str) -> bool:
    """Whether a sentence hands something over now ("As promised, attached is the pricing
    sheet"): a cue, and nothing asked, denied, conditional or still to come."""
    masked = _CUE_MASK.sub(" ", text)
    return bool(_CUE.search(text)) and not _BLOCK.search(masked)


# -- meetings ------------------------------------------------------------------------------
_MEET_VERB = re.compile(r"\b(?:set(?:ting)?\s*up|setup|schedul\w*|arrang\w*|book\w*|organi[sz]\w*|"
                        r"line\s+up|find\s+a\s+time|get\s+\w+\s+on\s+the\s+calendar|set)\b", re.I)
_MEET_NOUN = re.compile(r"\b(?:call|meeting|demo|session|workshop|chat|sync|walk-?through|"
                        r"intro|introduction|conversation|catch[- ]?up|review)s?\b", re.I)


def is_meeting_action(action: str) -> bool:
    """Whether the action is to set up a call, meeting or demo (a meeting delivers it)."""
    return bool(_MEET_VERB.search(action) and _MEET_NOUN.search(action))


def _owed_by(item: OpenItem) -> str:
    """The direction of the mail that can deliver it: ours is outbound, theirs inbound."""
    return "outbound" if item.side == "us" else "inbound"


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EVIDENCE_MAX else text[:EVIDENCE_MAX - 1] + "\u2026"


def delivers(item: OpenItem, later: LaterItem, *, now: datetime) -> Delivery | None:
    """The evidence that ``later`` delivers ``item``, or None (the default: when in doubt,
    the item stays open)."""
    if is_meeting_action(item.action):
        if later.kind != "meeting" or later.cancelled:
            return None
        ended = later.ends_at or later.occurred_at
        if ended is None or ended > now:
            return None
        when = (later.occurred_at or ended).date().isoformat()
        return Delivery(how="meeting", evidence=_clip(f"meeting held: {later.subject} ({when})"))
    if later.kind != "email" or later.direction != _owed_by(item):
        return None
    thing = thing_of(item.action)
    if not thing or not item.action.strip() or not _gives(item.action):
        return None
    states = [(s, _clause_state(s, thing)) for s in _sentences(later.body)]
    if any(state == "blocked" for _s, state in states):
        return None
    said = next((s for s, state in states if state == "delivered"), None)
    for name in later.attachments:
        if _covered(thing, _stems(re.sub(r"\.[A-Za-z0-9]{1,5}$", "", name))):
            evidence = f"attachment: {name}" + (f" \u2014 {said}" if said else "")
            return Delivery(how="attachment", evidence=_clip(evidence))
    if said is not None:
        return Delivery(how="words", evidence=_clip(said))
    return None


def _gives(action: str) -> bool:
    """Whether the action hands something over (send, share, get you ...), the only kind
    a mail can be seen to deliver; "review the contract" or "check with legal" is not."""
    words = _words(action)
    return bool(words) and any(stem(w) in _GIVE or w in _GIVE for w in words[:3])


def has_delivery_words(body: str) -> bool:
    """Whether a mail says anything of handing over (a cheap test before any query)."""
    return bool(_CUE.search(body or ""))


_HANDING = frozenset({"find", "see", "attach", "attached", "enclos", "enclosed", "here"})


def hands_over_now(text: str, action: str) -> bool:
    """Whether an extracted commitment is really a delivery being made ("Please find
    attached the pricing sheet", "Sending over the mockups now"): such a sentence closes
    what was owed and must not itself become a new promise or request."""
    words = _words(action)
    first = stem(words[0]) if words else ""
    return is_delivery_sentence(text) and (first in _HANDING or first in _GIVE)
