"""People the new part of a mail names with their role ("Zeynep Fontaine (Finance Business
Partner) will join"), for the account's stakeholders.

Four forms, each anchored on punctuation or a title, so a capitalised phrase alone never
counts: ``Name (Role)``; ``Name, our/their/the Role,`` and ``Name, Role at/of Company``;
``our/their Role, Name``; and ``Role Name`` only when the role ends in a strong title (CFO,
VP, Director, President, General Counsel, Chief ... Officer, Founder). The name is two or three
capitalised name words, or a PERSON the pipeline's NER found on exactly that span; the role
holds a title word of :data:`TITLE_WORDS` and at most six words. Precision first: greeting
and sign-off lines, quoted lines, the sender's own name and anything that reads as a company
(an ORG entity on the span, a company word such as "Ltd" or "Systems") give nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .types import Entity, PersonMention

MAX_ROLE_WORDS = 6
MAX_ROLE_CHARS = 120
TITLE_WORDS = frozenset(
    """manager director head lead vp svp evp avp president chief officer ceo cfo cto coo cio
    ciso cmo cro cpo cdo cso chro cao partner counsel engineer architect analyst controller
    comptroller buyer procurement purchasing coordinator specialist consultant owner founder
    co-founder cofounder administrator treasurer advisor adviser strategist designer developer
    scientist accountant auditor attorney lawyer paralegal recruiter representative executive
    supervisor principal chair chairman chairwoman chairperson sponsor""".split()
)
# a role ending in one of these may stand before the name without punctuation ("CFO Dana Lee")
_STRONG = (r"(?:CEO|CFO|CTO|COO|CIO|CISO|CMO|CRO|CPO|CDO|CHRO|S?VP|EVP|Vice President|President"
           r"|Director|General Counsel|Chief(?: [A-Z][a-z]+){1,2} Officer|Co-?[Ff]ounder|Founder)")
# words that cannot be part of a person's name
_NOT_NAME = frozenset(
    (" ".join(TITLE_WORDS) + """ vice finance financial sales marketing legal operations it hr
    engineering product support security accounts payable receivable business customer success
    team board group department office committee procurement purchasing technology technical
    information revenue people data strategy global regional senior junior associate assistant
    general managing deputy interim acting account project program programme
    hi hello dear hey thanks thank regards best cheers sincerely please kind warm many
    the our their my your his her we i you he she they it this that these those and also so
    but or if as at on in of for to from with by meanwhile note ps fyi re fw fwd cc bcc
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december today tomorrow
    inc ltd llc llp plc gmbh ag sa sas bv nv corp corporation co company companies group
    holdings systems solutions technologies technology labs partners industries international
    bank capital consulting software services foods traders freight logistics analytics
    ventures media networks""").split()
)
_COMPANY_WORDS = frozenset(
    """inc ltd llc llp plc gmbh ag sa sas bv nv corp corporation co company group holdings
    systems solutions technologies labs partners industries international bank capital
    consulting software services foods traders freight logistics analytics ventures media
    networks""".split()
)
# words that end a role: a verb or a clause after it means the match ran past the role
_NOT_ROLE = frozenset(
    """will would is was are were be been has have had who which that can could should may
    might must shall to on in with please also just then when if but will's he she they we i
    you it said asked wants joined joins join""".split()
)
_UP, _LOW = r"[A-ZÀ-ÖØ-Þ]", r"[a-zß-öø-ÿ]"
_WORD = rf"{_UP}(?:{_LOW}+|{_LOW}*{_UP}{_LOW}+)(?:[-'’]{_UP}?{_LOW}+)?"
_PARTICLE = r"(?:van|von|de|der|den|da|di|du|le|la|del|ter|ten)"
_NAME = rf"(?P<name>{_WORD}(?:\s+(?:{_PARTICLE}\s+)?{_WORD}){{0,2}})"
_DET = r"(?P<det>(?i:our|their|the|my|your|his|her))"
_ROLE = rf"(?P<role>[^,;:()\n.!?\"“”]{{2,{MAX_ROLE_CHARS}}}?)"
_COMPANY = rf"(?P<company>{_UP}[\w&.'’-]*(?:\s+{_UP}[\w&.'’-]*){{0,3}})"
_END = r"(?=\s*(?:[,;:)!?]|\.(?:\s|$)|-\s|–|—|$))"
_AFTER_NAME = (r"(?=\s*(?:[,;:)!?]|\.(?:\s|$)|$)|\s+(?:will|is|has|and|who|can|would|should|"
               r"may|might|wants|asked|said|joins|joined|mentioned|confirmed|needs|approved|"
               r"signs|leads|owns|from|at|to|on|in)\b)")
FORMS = (
    ("paren", re.compile(rf"{_NAME}\s*\(\s*{_ROLE}\s*\)")),
    ("apposition", re.compile(
        rf"{_NAME},\s+{_DET}\s+{_ROLE}(?:\s+(?:at|of|from|with)\s+{_COMPANY})?{_END}")),
    ("apposition", re.compile(rf"{_NAME},\s+{_ROLE}\s+(?:at|of|from|with)\s+{_COMPANY}{_END}")),
    ("role_first", re.compile(rf"(?<!\w){_DET}\s+{_ROLE},\s+{_NAME}{_AFTER_NAME}")),
    ("title", re.compile(
        rf"(?<![\w-])(?P<role>(?:{_UP}[\w&-]*\s+){{0,3}}{_STRONG})\s+{_NAME}{_AFTER_NAME}")),
)
_LEAD_DET = re.compile(r"^(?i:our|their|the|my|your|his|her)\s+")
_GREETING = re.compile(
    r"^\s*(?i:hi|hello|hey|dear|greetings|good (?:morning|afternoon|evening)|thanks|thank you|"
    r"many thanks|best|regards|kind regards|best regards|warm regards|cheers|sincerely|"
    r"yours)\b")


def _words(text: str) -> list[str]:
    return re.findall(r"[\w&'’-]+", text)


def is_role(role: str) -> bool:
    """A short phrase that carries a title word and no verb or clause."""
    words = [w.lower().strip("-") for w in _words(role)]
    if not words or len(words) > MAX_ROLE_WORDS or len(role) > MAX_ROLE_CHARS:
        return False
    if any(w in _NOT_ROLE for w in words):
        return False
    return any(w in TITLE_WORDS for w in words) or bool(re.search(r"\bvice president\b",
                                                                  role, re.I))


def _trim_name(name: str, start: int, leading: bool) -> tuple[str, int] | None:
    """The name without leading words that cannot be part of one ("Thanks Dana Lee" ->
    "Dana Lee") when ``leading``; None when a word of it cannot be a name's."""
    parts = list(re.finditer(r"\S+", name))
    while leading and parts and parts[0].group(0).lower() in _NOT_NAME:
        parts = parts[1:]
    if not parts or any(p.group(0).lower() in _NOT_NAME for p in parts):
        return None
    a, b = parts[0].start(), parts[-1].end()
    return name[a:b], start + a


def find_people(reply_text: str, entities: Iterable[Entity] = (),
                sender_name: str | None = None,
                organisations: Iterable[str] = ()) -> list[PersonMention]:
    """People named with a role in ``reply_text``, in reading order, each name once.

    ``entities``: the pipeline's, whose PERSON spans may make a one-word name; its ORG spans
    are not trusted here (the small model reads "Zeynep Fontaine" as an organisation), the
    tenant's ``organisations`` (accounts, competitors) are: a name holding one is no person.
    """
    persons = {(e.start, e.end) for e in entities if e.label == "PERSON"}
    orgs = _names_regex(organisations)
    sender = " ".join((sender_name or "").split()).lower()
    found: dict[str, PersonMention] = {}
    offset = 0
    for line in reply_text.splitlines(keepends=True):
        base, offset = offset, offset + len(line)
        if line.lstrip().startswith(">") or _GREETING.match(line):
            continue
        for _form, pattern in FORMS:
            for m in pattern.finditer(line):
                mention = _mention(m, base, persons, orgs, leading=_form in ("paren",
                                                                              "apposition"))
                if mention is None or mention.name.lower() == sender:
                    continue
                found.setdefault(mention.name.lower(), mention)
    return sorted(found.values(), key=lambda p: p.start)


def _names_regex(names: Iterable[str]) -> re.Pattern[str] | None:
    kept = sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True)
    if not kept:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in kept) + r")(?!\w)", re.I)


def _mention(m: re.Match[str], base: int, persons: set[tuple[int, int]],
             orgs: re.Pattern[str] | None, *, leading: bool) -> PersonMention | None:
    role = _LEAD_DET.sub("", " ".join(m.group("role").split()))
    if not is_role(role):
        return None
    trimmed = _trim_name(m.group("name"), base + m.start("name"), leading)
    if trimmed is None:
        return None
    name, start = trimmed
    end = start + len(name)
    tokens = name.split()
    if len(tokens) < 2 and (start, end) not in persons:
        return None  # one word is a name only when the NER says it is a person
    if any(t.lower().strip(".") in _COMPANY_WORDS for t in tokens):
        return None
    if orgs is not None and orgs.search(name):
        return None  # the tenant knows it as an account or a competitor
    return PersonMention(name=name, role=role, start=min(start, base + m.start()),
                         end=base + m.end())
