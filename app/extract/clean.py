"""Turn a raw email body (HTML or text) into plain text, within fixed bounds of time and memory.

HTML goes through selectolax (lexbor), which is fast and forgiving with Outlook's markup. Quote
containers that mail clients mark up (Outlook's ``divRplyFwdMsg``, Gmail's ``gmail_quote``,
``blockquote type=cite``) are replaced by a line holding :data:`QUOTE_MARK`, so the reply
splitter can cut there even when the quoted header is localised or missing.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser

MAX_RAW_CHARS = 1_000_000  # what we look at of a body at all (a 10 MB body is cut here)
MAX_HTML_DEPTH = 800  # lexbor's tree building gets quadratic on absurd nesting
QUOTE_MARK = "\u2063[quoted]\u2063"

_BREAK = "\ue000"  # private-use char standing for a line break while HTML whitespace collapses
_BLOCK_TAGS = (
    "p,div,tr,table,li,ul,ol,h1,h2,h3,h4,h5,h6,pre,section,article,header,footer,hr,"
    "dl,dt,dd,address,center,form,fieldset"
)
_QUOTE_SELECTORS = (
    "div#divRplyFwdMsg,div.gmail_quote,blockquote[type=cite],div.OutlookMessageHeader,"
    "div.moz-cite-prefix,div#appendonsend,div.yahoo_quoted"
)
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]{0,15})\b[^>]{0,2000}?(/?)>")
_VOID = frozenset("br hr img meta link input area base col embed param source track wbr".split())
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_SPACES_RE = re.compile(r"[ \t\r\n\f\v\xa0\u200b\u3000]+")
_HARD_SPACES_RE = re.compile(r"[ \t\f\v\xa0\u200b]+")


@dataclass
class Cleaned:
    """Plain text of a body plus what was done to it (truncation, fallbacks)."""

    text: str
    truncated: bool = False
    notes: list[str] = field(default_factory=list)


def html_depth(html: str) -> int:
    """Returns the deepest element nesting in ``html``, counted by a linear scan of the tags."""
    depth = deepest = 0
    for m in _TAG_RE.finditer(html):
        closing, tag, selfclose = m.group(1), m.group(2).lower(), m.group(3)
        if tag in _VOID or selfclose:
            continue
        if closing:
            depth = max(0, depth - 1)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def _breaks(m: re.Match[str]) -> str:
    # adjacent blocks give two marks; four or more mean an empty block (a blank line) between
    return "\n\n" if m.group(0).count(_BREAK) >= 4 else "\n"


def _collapse(text: str) -> str:
    text = _SPACES_RE.sub(" ", text)
    text = re.sub(f"{_BREAK}(?:[ ]*{_BREAK})*", _breaks, text)
    text = re.sub(r" *\n *", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _strip_tags(html: str) -> str:
    """Regex fallback for markup no parser should be asked to build a tree for."""
    html = re.sub(r"(?is)<(script|style|head)\b.*?</\1\s*>", " ", html)
    html = re.sub(r"(?i)<(br|/p|/div|/tr|/li|/h\d)\b[^>]*>", _BREAK, html)
    return _collapse(htmllib.unescape(re.sub(r"<[^>]*>", " ", html)))


def html_to_text(html: str) -> str:
    """Returns the visible text of an HTML body with blocks on their own lines."""
    tree = LexborHTMLParser(html)
    for node in tree.css("script,style,head,title,noscript,template"):
        node.decompose()
    for node in tree.css(_QUOTE_SELECTORS):
        node.insert_before(f"{_BREAK}{QUOTE_MARK}{_BREAK}")
    for node in tree.css("br"):
        node.replace_with(_BREAK)
    for node in tree.css(_BLOCK_TAGS):
        node.insert_before(_BREAK)
        node.insert_after(_BREAK)
    for node in tree.css("td,th"):
        node.insert_after(" ")
    root = tree.body or tree.root
    return _collapse(root.text(deep=True, separator="") if root is not None else "")


def clean_body(body: str, body_type: str = "text") -> Cleaned:
    """Returns the plain text of a body: decoded, control characters removed, size capped."""
    notes: list[str] = []
    truncated = False
    if len(body) > MAX_RAW_CHARS:
        body = body[:MAX_RAW_CHARS]
        truncated = True
        notes.append(f"body cut to its first {MAX_RAW_CHARS} characters before cleaning")
    if len(body) >= 200 and _junk_ratio(body) > 0.15:
        notes.append("body looks like binary data; not analysed")
        return Cleaned("", truncated, notes)
    body = _CONTROL_RE.sub(" ", body.replace(_BREAK, " ").replace("\r\n", "\n"))
    if body_type == "html" or (body_type != "text" and _looks_like_html(body)):
        if html_depth(body) > MAX_HTML_DEPTH:
            notes.append("HTML nested too deeply to parse; tags stripped instead")
            text = _strip_tags(body)
        else:
            text = html_to_text(body)
    else:
        text = "\n".join(_HARD_SPACES_RE.sub(" ", line).strip() for line in body.split("\n"))
        text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return Cleaned(text, truncated, notes)


def _looks_like_html(body: str) -> bool:
    head = body[:2000].lower()
    return "<html" in head or "<div" in head or "<p>" in head or "<br" in head


def _junk_ratio(text: str) -> float:
    """Share of characters no human writes in mail (controls, replacement chars, C1 block)."""
    sample = text[:20000]
    bad = sum(
        1
        for ch in sample
        if ch == "\ufffd" or ("\x80" <= ch <= "\x9f") or (ch < " " and ch not in "\n\r\t")
    )
    return bad / max(1, len(sample))
