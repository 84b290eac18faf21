"""Email bodies as mail clients write them: Outlook HTML or plain text, with signatures and
the quoted history of the thread ("From: ... Sent: ..." blocks and "On ... wrote:" forms)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime

Who = tuple[str, str]  # (display name, address): the sample's shorthand, turned into Graph JSON

HTML_HEAD = (
    '<html xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:w="urn:schemas-microsoft-com:office:word">\r\n<head>\r\n'
    '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\r\n'
    '<meta name="Generator" content="Microsoft Word 15 (filtered medium)">\r\n'
    "<style><!--\r\n@font-face {font-family:Aptos;}\r\n"
    'p.MsoNormal, li.MsoNormal, div.MsoNormal {margin:0cm; font-size:11.0pt; '
    'font-family:"Aptos",sans-serif;}\r\n'
    "span.EmailStyle19 {mso-style-type:personal-reply; color:windowtext;}\r\n"
    "--></style>\r\n</head>\r\n"
    '<body lang="EN-US" link="#467886" vlink="#96607D" style="word-wrap:break-word">\r\n'
    '<div class="WordSection1">\r\n'
)
HTML_TAIL = "</div>\r\n</body>\r\n</html>\r\n"
OUTLOOK_RULE = "________________________________"


@dataclass(frozen=True)
class Part:
    """One email of a thread as its author wrote it (the new part only)."""

    sender: Who
    to: tuple[Who, ...]
    cc: tuple[Who, ...]
    sent: datetime
    subject: str
    greeting: str
    paragraphs: tuple[str, ...]
    closing: str
    signature: tuple[str, ...]
    plain: bool  # a plain-text client that quotes with "On ... wrote:"
    text_outlook: bool = False  # Outlook in plain-text mode (mobile): text with From/Sent block


def _who(a: Who) -> str:
    return f"{a[0]} <{a[1]}>"


def _outlook_date(d: datetime) -> str:
    return f"{d:%A}, {d:%B} {d.day}, {d:%Y} {d.hour % 12 or 12}:{d:%M} {d:%p}"


def _gmail_date(d: datetime) -> str:
    return f"{d:%a}, {d.day} {d:%b} {d:%Y} at {d:%H:%M}"


def _header_lines(p: Part) -> list[str]:
    lines = [f"From: {_who(p.sender)}", f"Sent: {_outlook_date(p.sent)}",
             "To: " + "; ".join(_who(a) for a in p.to)]
    if p.cc:
        lines.append("Cc: " + "; ".join(_who(a) for a in p.cc))
    lines.append(f"Subject: {p.subject}")
    return lines


def _own_text(p: Part) -> str:
    sig = (["-- "] if p.plain else []) + list(p.signature)
    return "\r\n\r\n".join([p.greeting, *p.paragraphs, p.closing + "\r\n" + "\r\n".join(sig)])


def render_text(chain: list[Part]) -> str:
    """Gives the plain-text body of ``chain[0]`` quoting ``chain[1:]`` (newest first)."""
    own = _own_text(chain[0]).replace("\n", "\r\n").replace("\r\r\n", "\r\n")
    if len(chain) == 1:
        return own + "\r\n"
    prev = chain[1]
    earlier = render_text(chain[1:])
    if chain[0].plain:
        quoted = "\r\n".join(">" + ("" if ln.startswith(">") or not ln else " ") + ln
                             for ln in earlier.rstrip("\r\n").split("\r\n"))
        head = f"On {_gmail_date(prev.sent)}, {_who(prev.sender)} wrote:"
        return f"{own}\r\n\r\n{head}\r\n{quoted}\r\n"
    head = "\r\n".join(_header_lines(prev))
    return f"{own}\r\n\r\n{OUTLOOK_RULE}\r\n{head}\r\n\r\n{earlier}"


def _p(text: str) -> str:
    inner = "<br>\r\n".join(html.escape(line, quote=False) for line in text.split("\n"))
    return f'<p class="MsoNormal">{inner}<o:p></o:p></p>\r\n'


_BLANK = '<p class="MsoNormal"><o:p>&nbsp;</o:p></p>\r\n'


def _own_html(p: Part) -> str:
    out = [_p(p.greeting), _BLANK]
    for para in p.paragraphs:
        out += [_p(para), _BLANK]
    out.append(_p(p.closing))
    name, *rest = p.signature
    out.append(f'<p class="MsoNormal"><b><span style="color:#1F3864">{html.escape(name)}'
               "</span></b><o:p></o:p></p>\r\n")
    out += [f'<p class="MsoNormal"><span style="font-size:9.0pt;color:#595959">'
             f"{html.escape(line)}</span><o:p></o:p></p>\r\n" for line in rest]
    return "".join(out)


def _html_inner(chain: list[Part]) -> str:
    out = _own_html(chain[0])
    if len(chain) > 1:
        prev = chain[1]
        heads = "<br>\r\n".join(
            f"<b>{html.escape(line.split(': ', 1)[0], quote=False)}:</b> "
            f"{html.escape(line.split(': ', 1)[1], quote=False)}"
            for line in _header_lines(prev))
        out += (_BLANK + '<div style="border:none;border-top:solid #E1E1E1 1.0pt;'
                'padding:3.0pt 0cm 0cm 0cm">\r\n'
                f'<p class="MsoNormal">{heads}<o:p></o:p></p>\r\n</div>\r\n{_BLANK}'
                + _html_inner(chain[1:]))
    return out


def render_html(chain: list[Part]) -> str:
    """Gives the Outlook-style HTML body of ``chain[0]`` quoting ``chain[1:]``."""
    return HTML_HEAD + _html_inner(chain) + HTML_TAIL


_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def preview(chain: list[Part]) -> str:
    """Gives Graph's ``bodyPreview``: the first 255 characters of the body as plain text."""
    p = chain[0]
    text = " ".join([p.greeting, *p.paragraphs, p.closing, *p.signature])
    if len(chain) > 1:
        text += " " + " ".join(_header_lines(chain[1]))
    return _SPACE.sub(" ", text).strip()[:255]
