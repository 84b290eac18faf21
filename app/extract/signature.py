"""Find the signature block at the end of the new part and read contact details from it.

The block starts after a ``--`` delimiter, after a sign-off line ("Best regards,"), at a mobile
footer, or, with none of these, where a run of short contact-like lines ends the message.
Closings, title words and company suffixes are data: ``patterns/signature_lexicon.jsonl``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import phonenumbers

from .reply import is_mobile_footer
from .types import Signature

LEXICON = Path(__file__).with_name("patterns") / "signature_lexicon.jsonl"
MAX_SIGNATURE_LINES = 12
MAX_LINE = 100

# bounded repeats: a long run like "a.a.a.a..." costs linear time, not quadratic
EMAIL_RE = re.compile(r"\b[\w.+'-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}\b")
URL_RE = re.compile(
    r"\b(?:https?://[^\s<>\"]+|www\.[^\s<>\"]+|[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){0,8}"
    r"\.(?:com|net|org|io|ai|co|biz|info|de|uk|fr|nl|eu|ca|au|us)(?:/[^\s<>\"]*)?)",
    re.I,
)
ADDRESS_RE = re.compile(
    r"(\b\d+\s+\w+.*\b(street|st|avenue|ave|road|rd|suite|ste|blvd|boulevard|floor|fl|drive|dr|"
    r"lane|ln|way|plaza|parkway|pkwy|court|ct|square|sq|place|pl)\b\.?|\b[A-Z][a-z]+,?\s+[A-Z]{2}"
    r"\s+\d{5}\b|\bP\.?\s?O\.?\s+Box\b|\b\d{5}(-\d{4})?\s*$|\b[A-Z]{1,2}\d{1,2}[A-Z]?\s\d[A-Z]{2}\b)",
    re.I,
)
LABEL_RE = re.compile(
    r"^(tel|phone|ph|mobile|mob|cell|direct|office|fax|main|work|[tmfcpdowe]|e-?mail|web|"
    r"website|url)\s*[:.]\s*",
    re.I,
)
# a capitalised word in any Latin script ("Dana", "Émile", "Łukasz", "O'Neil"), an initial
NAME_TOKEN = re.compile(r"^(?:[^\W\d_]+(?:['’-][^\W\d_]+)*|[^\W\d_]\.?)$")
SPLIT_RE = re.compile(
    r"\s+[|•·–—/@]\s+|,\s+(?!(?:inc|llc|ltd|l\.?l\.?[cp]|corp|gmbh|ag|plc)\b)|\s+at\s+|\t+",
    re.I,
)
SPLIT_NO_AT_RE = re.compile(
    r"\s+[|•·–—/@]\s+|,\s+(?!(?:inc|llc|ltd|l\.?l\.?[cp]|corp|gmbh|ag|plc)\b)|\t+", re.I
)
MOBILE_LINES = 3
CREDENTIALS_RE = re.compile(
    r"(?:(?:cfa|cpa|pe|p\.e\.|phd|ph\.d\.|mba|esq|jd|pmp|cissp)[,. ]*)+", re.I
)
QUOTE_PREFIX = re.compile(r"^(?:\s*>)+\s*")
# a quoted header or attribution that the reply split left in: the block ends before it
HEADER_LINE = re.compile(
    r"^(?:(?:to|cc|bcc|from|sent|date|subject)\s*:|-+\s*original message|.{0,80}\bwrote:\s*$)",
    re.I,
)
# an attachment listed at the end of a message: " - report.xls", "<<contract.pdf>>"
ATTACHMENT_LINE = re.compile(r"^(?:-\s*\S[^\s]*\.\w{2,4}|<<[^>]+>>)\s*$")
DASH_BEFORE_CONTACT = re.compile(r"\s+[-–—]\s+(?=www\.|https?://|\S+@|\+?\(?\d)")
# a labelled contact part later in a line: "Halden Mills, Inc. tel: 312-555-0100"
INLINE_LABEL_RE = re.compile(
    r"\s+(?=(?:tel|phone|ph|mobile|mob|cell|direct|fax|e-?mail|web)\s*[:.]\s*\S)", re.I
)
SPACED_DASH_RE = re.compile(r"\s+[-–—]\s+")
# "Ticket Owner : Dana", "Ref: 4471": a form field, no title or company
FORM_FIELD_RE = re.compile(r"\w\s*:\s*\S")
# words a name of a company or a title may have in lower case ("Bank of the West")
SMALL_WORDS = frozenset(
    {"&", "and", "of", "de", "the", "for", "und", "et", "du", "la", "van", "von", "to", "a",
     "an", "in", "on", "at", "am", "y", "der", "des", "di", "da", "del", "e", "le", "les"}
)
# pronouns, auxiliaries and the like in lower case make a sentence, not a title or company
PROSE_WORDS = frozenset(
    {"i", "you", "your", "we", "our", "us", "me", "my", "he", "she", "they", "will", "would",
     "is", "are", "was", "were", "be", "been", "have", "has", "had", "please", "can", "could",
     "should", "may", "this", "that", "these", "those", "it", "if", "thanks", "thank", "do",
     "does", "did", "not", "get", "let", "more", "about", "here", "there", "what", "when",
     "how", "who", "which", "just", "also", "all", "any", "some", "with", "from"}
)
# "(she/her)", "He/Him/His": pronouns beside or under the name are no field
PRONOUNS_RE = re.compile(
    r"\s*\(?\b(?:she|he|they|ze|xe)\s*/\s*(?:her|him|them|hers|his|theirs|zir)"
    r"(?:\s*/\s*(?:her|hers|his|theirs|them))?\b\)?",
    re.I,
)
EMPHASIS_RE = re.compile(r"^([*_]+)(\S(?:.*\S)?)\1$")  # "*Dana Whitfield*"
US_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY".split()
)
HONORIFICS = frozenset({"dr", "mr", "mrs", "ms", "miss", "prof", "sir", "dame"})
NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
SEPARATOR_RE = re.compile(r"-{2,}|_{2,}")  # "-- ", "---------", "____"
DASH_NAME_RE = re.compile(r"[-–—~]\s?([A-Z][^\s\d]*(?:\s[A-Z][^\s\d]*){0,3})")
LIST_FOOTER_RE = re.compile(
    r"^(?:view this message in context\b|sent from the .{1,80} (?:mailing list|archive)\b|"
    r"you received this message because you are subscribed\b|to unsubscribe\b|"
    r"to unsubscribe from this group\b|-{2,}\s*to unsubscribe\b)",
    re.I,
)
DISCLAIMER_RE = re.compile(
    r"^\s*(confidentiality|confidential|disclaimer|privileged|notice:|important notice|"
    r"this (e-?mail|message|communication|transmission|fax|facsimile)\b|"
    r"the information (contained|in this)|"
    r"registered (in|office|number|no\b)|company (registration|reg\b|number|no\b)|"
    r"vat (no\b|number|reg)|"
    r"please consider the environment)",
    re.I | re.M,
)


@dataclass(frozen=True)
class _Lexicon:
    closings: frozenset[str]
    titles: re.Pattern[str]
    suffixes: frozenset[str]
    mobile: tuple[str, ...]
    org_words: frozenset[str]
    mail_hosts: frozenset[str]
    heads: frozenset[str]
    functions: frozenset[str]
    generic: frozenset[str]
    title_words: frozenset[str]
    places: frozenset[str]
    links: tuple[str, ...]
    common: frozenset[str]  # function, org-unit, title and generic words: no company's own


@cache
def _lexicon() -> _Lexicon:
    words: dict[str, list[str]] = {}
    for raw in LEXICON.read_text(encoding="utf-8").splitlines():
        if raw.strip():
            row = json.loads(raw)
            words.setdefault(row["kind"], []).append(row["value"].lower())
    titles = "|".join(re.escape(t) for t in sorted(words["title_word"], key=len, reverse=True))
    return _Lexicon(
        closings=frozenset(words["closing"]),
        titles=re.compile(rf"(?<![\w-])(?:{titles})(?![\w-])", re.I),
        suffixes=frozenset(words["company_suffix"]),
        mobile=tuple(words["mobile_footer"]),
        org_words=frozenset(words["org_word"]),
        mail_hosts=frozenset(words["mail_host"]),
        heads=frozenset(words["company_head"]),
        functions=frozenset(words["function_word"]),
        generic=frozenset(words["generic_suffix"]),
        title_words=frozenset(words["title_word"]),
        places=frozenset(words["place"]),
        links=tuple(words["link_word"]),
        common=frozenset(
            words["function_word"] + words["org_word"] + words["title_word"]
            + words["generic_suffix"]
        )
        | SMALL_WORDS,
    )


def _is_closing(line: str) -> bool:
    low = line.lower().strip().rstrip(",.!-: ")
    if low in _lexicon().closings:
        return True
    head, _, rest = low.partition(",")
    return bool(rest) and head.strip() in _lexicon().closings and len(rest.split()) <= 3


def _contact_like(line: str) -> bool:
    return bool(EMAIL_RE.search(line) or URL_RE.search(line) or _has_phone(line))


def _has_phone(line: str) -> bool:
    return len(re.sub(r"\D", "", line)) >= 7 and bool(re.search(r"\d{3}[\s.)-]*\d{3,4}", line))


def looks_like_name(text: str) -> bool:
    """True for "Dana Whitfield", "J. R. Okafor", "ANNA BERG"; False for titles and prose."""
    toks = text.strip().split()
    if toks and toks[0].lower().rstrip(".") in HONORIFICS:
        toks = toks[1:]  # "Dr. Dana Whitfield"
    if len(toks) > 2 and toks[-1].lower().rstrip(",.") in NAME_SUFFIXES:
        toks = toks[:-1]  # "Dana Whitfield Jr."
    if not 2 <= len(toks) <= 4 or not all(_name_token(t.rstrip(",.")) for t in toks):
        return False
    lex = _lexicon()
    if any(t.rstrip(",.").lower() in lex.org_words for t in toks):
        return False  # "Customer Support Team", "Trading Desk"
    bare = " ".join(toks)
    return not lex.titles.search(bare) and not _is_company(bare)


def _name_token(tok: str) -> bool:
    return tok[:1].isupper() and bool(NAME_TOKEN.match(tok))


def _is_company(text: str) -> bool:
    last = text.strip().rstrip(".,").split()[-1].lower() if text.strip() else ""
    return last in _lexicon().suffixes or last + "." in _lexicon().suffixes


def find_signature_start(text: str) -> int | None:
    """Returns the offset where the signature block starts in the new part, or None."""
    lines, pos = [], 0
    disclaimer = DISCLAIMER_RE.search(text, max(0, len(text) - 2000))
    if disclaimer and disclaimer.start() > 0:
        text = text[: disclaimer.start()]
        if not text.strip():
            return None
    for line in text.split("\n"):
        lines.append((pos + len(line) - len(line.lstrip()), line.strip()))
        pos += len(line) + 1
    footer = None
    while lines and (
        not lines[-1][1] or ATTACHMENT_LINE.match(lines[-1][1]) or _is_footer(lines[-1][1])
    ):  # attachments listed and footers added under the message are not part of the block
        if lines[-1][1] and not ATTACHMENT_LINE.match(lines[-1][1]):
            footer = lines[-1][0]
        lines.pop()
    found = _block_start(lines)
    return footer if found is None else found


def _is_footer(line: str) -> bool:
    """A line that a phone or a mailing list adds: "Sent from my iPhone", "View this message
    in context: ...", "Sent from the ... mailing list archive at ..."."""
    return (
        line.lower().startswith(_lexicon().mobile)
        or is_mobile_footer(line)
        or bool(LIST_FOOTER_RE.match(line))
    )


def _block_start(lines: list[tuple[int, str]]) -> int | None:
    filled = [(p, s) for p, s in lines if s]
    if not filled:
        return None
    tail = filled[-MAX_SIGNATURE_LINES - 1 :]
    for idx, (p, s) in enumerate(tail):
        short = all(len(a) <= MAX_LINE and not a.endswith("?") for _, a in tail[idx + 1 :])
        if _dash_name(s) and short:
            return p  # "-Dana Whitfield" / "-A" signs the message off
        if SEPARATOR_RE.fullmatch(s):
            rest = [(p, a) for p, a in tail[idx + 1 :] if not SEPARATOR_RE.fullmatch(a)]
            # "--" is the signature delimiter; a longer rule may also head a table or a note.
            # The delimiter belongs to the block (RFC 3676), not to the message text.
            if rest and (len(s) <= 3 or short):
                return p
    for idx in range(len(tail) - 1, -1, -1):
        p, s = tail[idx]
        if _is_closing(s) and (len(filled) > len(tail) or idx > 0 or len(tail) <= 6):
            after = tail[idx + 1 :]
            signed = s.partition(",")[2].strip()
            if signed and looks_like_name(signed):  # "Best regards, Dana Whitfield"
                return p + s.index(signed)
            if not after:
                return None
            if all(len(a) <= MAX_LINE and not a.endswith("?") for _, a in after):
                return after[0][0]
            return None
    return _trailing_block(lines)


def _dash_name(line: str) -> bool:
    """A sign-off written as a dash and a name or an initial: "-Dana Whitfield", "-A"."""
    m = DASH_NAME_RE.fullmatch(line)
    if m is None:
        return False
    return looks_like_name(m.group(1)) or bool(re.fullmatch(r"[A-Z][a-z]{0,14}", m.group(1)))


def _paragraphs(lines: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    paras: list[list[tuple[int, str]]] = [[]]
    for p, s in lines:
        if s:
            paras[-1].append((p, s))
        elif paras[-1]:
            paras.append([])
    return [para for para in paras if para]


def _sig_line(s: str) -> bool:
    prose = s.endswith((".", "?", "!", ":")) and len(s.split()) > 5
    return _contact_like(s) or (len(s) <= 70 and not prose)


def _trailing_block(lines: list[tuple[int, str]]) -> int | None:
    """The last paragraphs, when they are a name alone or short lines with contact details."""
    paras = _paragraphs(lines)
    if not paras:
        return None
    if len(paras) == 1:  # a forward with nothing but the sender's block
        only = paras[0]
        opens = looks_like_name(only[0][1]) or _is_closing(only[0][1])
        fits = len(only) <= MAX_SIGNATURE_LINES and all(_sig_line(s) for _, s in only)
        contact = any(_contact_like(s) for _, s in only)
        if not (opens and fits and contact):
            return None
        return only[1][0] if _is_closing(only[0][1]) and len(only) > 1 else only[0][0]
    last = paras[-1]
    if len(last) == 1 and (looks_like_name(last[0][1]) or _company_line(last[0][1])):
        return last[0][0]  # a name or a company name alone closes the message
    block: list[tuple[int, str]] = []
    for para in reversed(paras[1:]):
        limit = MAX_SIGNATURE_LINES if not block else 4
        if len(para) > limit or not all(_sig_line(s) for _, s in para):
            break
        if len(block) + len(para) > MAX_SIGNATURE_LINES:
            break
        block = para + block
    if len(block) < 2 or not any(_contact_like(s) for _, s in block):
        return None
    return block[0][0]


def _domain_labels(addresses: list[str]) -> set[str]:
    """The block's own mail and web domains ("halvorsenfoods" for dana@halvorsenfoods.com),
    not those of public mail hosts."""
    labels = set()
    for address in addresses:
        host = address.rsplit("@", 1)[-1].lower().split("//")[-1].split("/")[0]
        parts = [p for p in host.split(".") if p != "www"]
        if len(parts) >= 2 and parts[-2] not in _lexicon().mail_hosts and len(parts[-2]) >= 3:
            labels.add(parts[-2])
    return labels


def _spells_domain(part: str, labels: set[str]) -> bool:
    squashed = re.sub(r"[^a-z0-9]", "", part.lower())
    return any(
        squashed.startswith(label) or (label.startswith(squashed) and len(squashed) >= 3)
        for label in labels
    )


def _company_from_domain(lines: list[str], addresses: list[str]) -> str | None:
    """The line that spells the block's own mail or web domain ("Halvorsen Foods" for
    halvorsenfoods.com): the company, whatever its place in the block."""
    labels = _domain_labels(addresses)
    if not labels:
        return None
    for line in lines:
        if _contact_like(LABEL_RE.sub("", line)) or ADDRESS_RE.search(line):
            continue
        for part in (p.strip() for p in SPLIT_RE.split(line) if p and p.strip()):
            if (
                len(part.split()) <= 6
                and part[:1].isupper()
                and not _title_like(part)
                and _spells_domain(part, labels)
            ):
                return part
    return None


def _company_line(line: str) -> bool:
    """A line that is a company name and nothing else: "Northwind Traders Ltd."."""
    words = line.split()
    return (
        _is_company(line)
        and len(words) <= 6
        and all(w[:1].isupper() or w[:1].isdigit() or w in ("&", "and", "of", "de") for w in words)
    )


def _department(part: str) -> bool:
    """The second half of "Director, Business Development" or "Supervisor, Tariff Policy
    and Planning": a title phrase or a business function, no company."""
    return (
        (_title_like(part) or _function_phrase(part))
        and not _is_company(part)
        and not looks_like_name(part)
    )


def _function_phrase(part: str) -> bool:
    """A short capitalised phrase naming a business function or unit ("Tariff Policy",
    "Investor Relations"): what follows a title after a comma, not a company."""
    lex = _lexicon()
    words = [w.lower().rstrip(".,") for w in part.split()]
    return (
        len(words) <= 6
        and _name_shaped(part)
        and not _prose(part)
        and any(w in lex.functions or w in lex.org_words for w in words)
    )


def _title_like(part: str) -> bool:
    """A job title: a short capitalised phrase with a title word ("Senior Counsel"), not a
    sentence ("The manager will call you") and not a form field ("Ticket Owner : ...")."""
    return (
        len(part.split()) <= 8
        and part[:1].isupper()
        and not part.endswith(("?", "!", ":"))
        and bool(_lexicon().titles.search(part))
        and not _prose(part)
        and not FORM_FIELD_RE.search(part)
    )


def _words(part: str) -> list[str]:
    return re.findall(r"[^\W\d_][\w'’.&-]*", part)


def _prose(part: str) -> bool:
    """Lower-case pronouns or auxiliaries: a sentence ("Ask us about our managed
    services"), not a title or a company name."""
    return any(w.islower() and w.rstrip(".,") in PROSE_WORDS for w in _words(part))


def _name_shaped(part: str) -> bool:
    """Every word capitalised (or a small word such as "of", "&"): "Bank of the West",
    "iClearing LLC", "ACME GMBH"; not "More on this later" or "Making bread better"."""
    words = _words(part)
    return bool(words) and all(
        any(c.isupper() for c in w) or w.lower() in SMALL_WORDS for w in words
    )


def _company_name(part: str) -> bool:
    """A company by its legal suffix or its head ("University of ..."), shaped like a name:
    a short capitalised phrase, not a sentence that ends in "services"."""
    return (
        (_is_company(part) or _institution(part))
        and len(part.split()) <= 8
        and _name_shaped(part)
        and not _prose(part)
        and not FORM_FIELD_RE.search(part)
        and not _generic_unit(part)
    )


def _generic_unit(part: str) -> bool:
    """ "Customer Services", "Information Technology", "IT Solutions Group": a generic suffix
    after nothing but function, title or generic words is a department, not a company."""
    lex = _lexicon()
    words = [w.lower().strip(".,()") for w in part.split()]
    if not words or words[-1] not in lex.generic:
        return False
    return all(w in lex.common for w in words)


def _legal_company(part: str) -> bool:
    """A company by a legal form at its end ("Ltd.", "GmbH", "LLP"), not by a generic word."""
    lex = _lexicon()
    last = part.strip().rstrip(".,").split()[-1].lower() if part.strip() else ""
    legal = last in lex.suffixes or last + "." in lex.suffixes
    return legal and last not in lex.generic and _company_name(part)


def _no_field(part: str) -> bool:
    """A place line ("Dayton, Ohio", "Germany"), links ("LinkedIn | Twitter", "Book a
    meeting"): never a title or a company."""
    lex = _lexicon()
    low = part.lower().strip(" .")
    if low in lex.places or any(low == k or low.startswith(k + " ") for k in lex.links):
        return True
    words = [w.strip(".,()") for w in low.split()]
    return bool(words) and all(w in lex.links or w in SMALL_WORDS for w in words)


def _place_line(line: str) -> bool:
    """ "Lyon, France", "Bremen, Germany", "Dayton, OH": a city and a state or country."""
    parts = [p.strip(" .") for p in re.split(r"\s*[,|]\s*|\s+[-–]\s+", line) if p.strip(" .")]
    if not 1 <= len(parts) <= 4 or not all(len(p.split()) <= 3 and _name_shaped(p) for p in parts):
        return False
    last = parts[-1]
    known = last.lower() in _lexicon().places or (len(parts) > 1 and last in US_STATES)
    return known and not any(_company_name(p) or _title_like(p) for p in parts)


def _institution(part: str) -> bool:
    """ "University of Carrow", "The Bank of Avalon": an institution word heads "X of Y"."""
    m = re.match(r"^(?:the\s+)?((?:[^\W\d_]+\s+){0,2}?[^\W\d_]+)\s+of\s+\S", part, re.I)
    return m is not None and m.group(1).split()[-1].lower() in _lexicon().heads


def _positional(part: str, as_title: bool) -> bool:
    """A plain line that may be a title or company by its place alone: shaped like a name, no
    sentence or form field; a title also no "Company - tagline" line."""
    return (
        _name_shaped(part)
        and not _prose(part)
        and not FORM_FIELD_RE.search(part)
        and not part.endswith(":")
        and not (as_title and SPACED_DASH_RE.search(part))
    )


def _second_title(part: str) -> bool:
    """A title line after the title ("Chief Financial Officer" under "Assistant
    to ..."): no company by its place; a line with a company suffix in it ("Acme Corp. - Sales
    Office") is not one."""
    suffixes = _lexicon().suffixes
    return _title_like(part) and not any(
        w[:1].isupper() and w.lower() in suffixes for w in part.split()
    )


def _plain_label(part: str, name_shaped_ok: bool = False) -> bool:
    """A short capitalised phrase that is no name: a title or company when its place fits."""
    return (
        len(part.split()) <= 6
        and part[:1].isupper()
        and (name_shaped_ok or not looks_like_name(part))
        and not re.search(r"\d", part)
        and not _is_company(part)
        and not part.endswith(("?", "!"))
    )


def _block_lines(text: str) -> list[str]:
    """The block's non-empty lines without quote marks, up to a quoted header or attribution
    or a disclaimer the reply split left in, and without attachment lines."""
    out: list[str] = []
    for raw in text.split("\n"):
        line = PRONOUNS_RE.sub("", QUOTE_PREFIX.sub("", raw)).strip()
        line = EMPHASIS_RE.sub(r"\2", line)
        if not line or len(line) > 4 * MAX_LINE or ATTACHMENT_LINE.match(line):
            continue  # a line of hundreds of characters is prose or junk, not contact details
        if HEADER_LINE.match(line) or DISCLAIMER_RE.match(line) or _is_footer(line):
            break
        out.append(line)
    return out


@dataclass
class Segment:
    """One part of a block line as the parser splits it ("Dana Whitfield | VP Sales"): what
    the line model classifies. ``rule`` is the field the rules gave it, ``marks`` the marker
    words of what the rules see (:func:`mark`)."""

    text: str
    line: int  # the line's number in the block
    index: int  # the part's place in its line
    parts: int  # how many parts its line has
    dropped: bool  # contact details or credentials were dropped from its line
    rule: str | None = None
    marks: tuple[str, ...] = ()


def _line_parts(line: str, split_name: bool) -> tuple[list[str], bool]:
    """The parts of a block line that may be a name, title or company, and whether contact
    details were dropped from it ("VP Sales | +1 312 555 0100")."""
    if "," in line and _legal_company(line):
        pieces = [p.strip() for p in line.split(",")]
        if not any(_title_like(p) or looks_like_name(p) for p in pieces):
            return [line], False  # "Marsh, Okafor & Lindqvist LLP" is one company
    parts = [
        q.strip()
        for p in INLINE_LABEL_RE.split(line)  # "Acme, Inc. tel: 312-555-0100"
        for q in _split_at(p)
        if q and q.strip()
    ] or [line]
    # "Acme Ltd. - www.acme.example" / "VP Sales | +1 312 555 0100": the contact parts go
    parts = [q.strip() for p in parts for q in DASH_BEFORE_CONTACT.split(p) if q.strip()]
    kept = [
        p
        for p in parts
        if not _contact_like(LABEL_RE.sub("", p))
        and not CREDENTIALS_RE.fullmatch(p)
        and p.lower().rstrip(".") not in NAME_SUFFIXES
    ]
    dropped = len(kept) < len(parts)
    parts = kept
    if not parts:
        return parts, dropped
    while len(parts) > 1 and _title_like(parts[0]) and _department(parts[1]):
        parts[:2] = [f"{parts[0]}, {parts[1]}"]  # "Director, Business Development"
    head, dash, tail = parts[0].partition(" - ")
    if dash and split_name and looks_like_name(head):  # "Dana Whitfield - VP Procurement"
        parts[:1] = [head, tail]
    return parts, dropped


def _split_at(line: str) -> list[str]:
    """The parts of a line split at "|", ", ", tabs and "at"; "at" only after a title ("Sales
    Director at Fernhill Logistics"), so "University of Avalon at Carrow" stays whole."""
    out: list[str] = []
    for part in SPLIT_NO_AT_RE.split(line):
        pieces = re.split(r"\s+at\s+", part, flags=re.I)
        while len(pieces) > 1 and not _title_like(pieces[0]):
            pieces[:2] = [f"{pieces[0]} at {pieces[1]}"]
        if len(pieces) > 1:
            out += [pieces[0], " at ".join(pieces[1:])]
        else:
            out += pieces
    return out


def _caps(text: str) -> str:
    words = re.findall(r"[^\W\d_][\w'’.-]*", text)
    if not words:
        return "zzcapsnone"
    if all(w.isupper() for w in words if len(w) > 1) and any(len(w) > 1 for w in words):
        return "zzcapsupper"
    small = {"&", "and", "of", "de", "the", "for", "und", "et", "du", "la", "van", "von"}
    if all(w[:1].isupper() or w.lower() in small for w in words):
        return "zzcapstitle"
    return "zzcapsfirst" if words[0][:1].isupper() else "zzcapslower"


def mark(segments: list[Segment], domains: set[str], n_lines: int) -> None:
    """Sets each segment's marker words: its place in the block and in its line, what the
    rules' predicates say of it and of its neighbours, its capitalisation and size (shared by
    training and use, so both read the same thing)."""
    lex = _lexicon()
    own: list[list[str]] = []
    for seg in segments:
        t = seg.text
        m = []
        if looks_like_name(t):
            m.append("name")
        if _title_like(t):
            m.append("title")
        if _is_company(t):
            m.append("suffix")
        if _company_line(t):
            m.append("companyline")
        if _plain_label(t):
            m.append("plain")
        if domains and _spells_domain(t, domains):
            m.append("domain")
        words = [w.rstrip(",.").lower() for w in t.split()]
        if any(w in lex.org_words for w in words):
            m.append("orgword")
        if words and words[0] in HONORIFICS:
            m.append("honorific")
        if re.search(r"\d", t):
            m.append("digit")
        if "&" in t or " and " in t:
            m.append("and")
        if seg.rule:
            m.append("rule" + seg.rule)
        own.append(m)
    seen_name = seen_rule_name = False
    for i, seg in enumerate(segments):
        m = ["zz" + x for x in own[i]]
        m += [f"zzline{min(seg.line, 5)}", f"zzfromend{min(n_lines - 1 - seg.line, 3)}",
              f"zzpart{min(seg.index, 2)}", f"zzparts{min(seg.parts, 3)}",
              f"zzwords{min(len(seg.text.split()), 6)}", _caps(seg.text)]
        if i == 0:
            m.append("zzfirstseg")
        if seg.dropped:
            m.append("zzcontactline")
        if seen_name:
            m.append("zzaftername")
        if seen_rule_name:
            m.append("zzafterrulename")
        if i > 0:
            m += ["zzprev" + x for x in own[i - 1] if x in ("name", "title", "rulename",
                                                           "ruletitle", "rulecompany")]
        else:
            m.append("zzprevnone")
        if i + 1 < len(segments):
            m += ["zznext" + x for x in own[i + 1] if x in ("name", "title", "suffix",
                                                           "rulename", "ruletitle",
                                                           "rulecompany")]
        else:
            m.append("zznextnone")
        seen_name = seen_name or "name" in own[i]
        seen_rule_name = seen_rule_name or seg.rule == "name"
        seg.marks = tuple(m)


def parse_signature(text: str, start: int, region: str = "US", use_model: bool = True
                    ) -> Signature:
    """Returns the contact fields of a signature block (``start`` is its offset, kept as is).
    The rules propose; with ``use_model`` the shipped line model (:mod:`.signature_model`)
    decides the name, title and company, keeping the rules' choice where it is unsure."""
    sig, segments = read_block(text, start, region)
    if not use_model or not segments:
        return sig
    from . import signature_model

    model = signature_model.load()
    if model is None:
        return sig
    name, title, company = model.decide(segments, (sig.name, sig.title, sig.company))
    return replace(sig, name=name, title=title, company=company)


def read_block(text: str, start: int, region: str = "US") -> tuple[Signature, list[Segment]]:
    """The rules' reading of a block and its parts with their marker words (:func:`mark`)."""
    lines = _block_lines(text)
    body = "\n".join(lines)
    lines = [ln for ln in lines if not CREDENTIALS_RE.fullmatch(ln)]
    emails = list(dict.fromkeys(EMAIL_RE.findall(body)))
    urls = [u.rstrip(".,;)") for u in URL_RE.findall(EMAIL_RE.sub(" ", body))]
    phones: list[str] = []
    for match in phonenumbers.PhoneNumberMatcher(body, region):
        e164 = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        if e164 not in phones:
            phones.append(e164)
    segments: list[Segment] = []
    name = title = company = None
    by_place = False  # the company was taken by its place alone, not by a suffix
    for number, line in enumerate(lines):
        if ADDRESS_RE.search(line) or _is_closing(line) or _place_line(line):
            continue
        parts, dropped = _line_parts(line, split_name=name is None)
        for index, part in enumerate(parts):
            segments.append(Segment(part, number, index, len(parts), dropped))
            if name is None and title is None and looks_like_name(part):
                name = part.rstrip(",")
                segments[-1].rule = "name"
            elif _no_field(part):
                continue
            elif (company is None or by_place) and _legal_company(part):
                # "Brightline Marketing Ltd.": a legal form makes a company, not a title
                for seg in segments[:-1]:
                    seg.rule = None if seg.rule == "company" else seg.rule
                company, by_place = part, False
                segments[-1].rule = "company"
            elif title is None and _title_like(part):
                title = part
                segments[-1].rule = "title"
            elif (name and title is None and company is None and _plain_label(part, True)
                  and _positional(part, as_title=True)):
                title = part
                segments[-1].rule = "title"
            elif (company is None or by_place) and _company_name(part):
                # a company by its suffix beats a plain line taken by its place
                for seg in segments[:-1]:
                    seg.rule = None if seg.rule == "company" else seg.rule
                company, by_place = part, False
                segments[-1].rule = "company"
            elif (company is None and (name or title) and _plain_label(part, bool(name and title))
                  and _positional(part, as_title=False) and not _second_title(part)):
                company, by_place = part, True  # a second title line is no company
                segments[-1].rule = "company"
    by_domain = _company_from_domain(lines, emails + urls)
    if by_domain and by_domain != name and not (company and _is_company(company)):
        title = None if title == by_domain else title
        company = by_domain
        for seg in segments:
            seg.rule = None if seg.rule == "company" or (
                seg.rule == "title" and seg.text == by_domain) else seg.rule
            if seg.text == by_domain and seg.rule is None:
                seg.rule = "company"
        if not any(seg.rule == "company" for seg in segments):
            number = next((i for i, ln in enumerate(lines) if by_domain in ln), len(lines) - 1)
            segments.append(Segment(by_domain, number, 0, 1, False, "company"))
            segments.sort(key=lambda seg: (seg.line, seg.index))
    mark(segments, _domain_labels(emails + urls), len(lines))
    sig = Signature(
        text=text,
        start=start,
        end=start + len(text),
        name=name,
        title=title,
        company=company,
        phones=phones,
        emails=emails,
        urls=list(dict.fromkeys(urls)),
    )
    return sig, segments


def split_signature(new_part: str, region: str = "US", use_model: bool = True
                    ) -> tuple[str, Signature | None]:
    """Returns ``(reply_text, signature)``: the message without its sign-off, and the block."""
    start = find_signature_start(new_part)
    if start is None:
        return new_part, None
    block = new_part[start:].rstrip()
    return new_part[:start].rstrip(), parse_signature(block, start, region, use_model)
