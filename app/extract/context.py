"""What the whole email says before any sentence is read: is it broadcast, is a line a delivery.

Broadcast mail (many recipients, a mailing list, a newsletter, an automated notice, a job
posting) asks nothing of the reader personally, so it yields no commitments; its signals are
kept but not shown. A delivery ("As promised, attached is ...", "Here are the forms") is work
done, not a promise, and in sent mail never something the customer owes.
"""

from __future__ import annotations

import re

from .types import EmailIn

MANY_RECIPIENTS = 8
_LIST_LOCAL = re.compile(
    r"^(?:all|everyone|everybody|staff|team-all|announce\w*|news\w*|list\w*|users?|dev|"
    r"general|info|noreply|no-reply|donotreply|do-not-reply|mailer|notifications?)$"
    r"|[-_.](?:l|list|users?|all|announce|dev)$", re.I)
_LIST_DOMAIN = re.compile(r"^(?:lists?|groups?|googlegroups|mail-?list)\.|\.lists?\.", re.I)
_BROADCAST_TEXT = re.compile(
    r"\bunsubscribe\b|view this message in context|mailing list archive|"
    r"\bsent from the [\w -]+ mailing list\b|you (?:have )?received this (?:e-?mail|message) "
    r"because|you are receiving this|(?:do not|don't) (?:respond|reply) to this e-?mail|"
    r"this (?:mailbox|account|address) is not monitored|to be removed from (?:this|our) list|"
    r"\bjob (?:description|posting|opening)\b|\bqualifications:|\bresponsibilities include\b|"
    r"\bnewsletter\b|\bthis week's issue\b|\bpress release\b", re.I)
_CROWD_GREETING = re.compile(
    r"^\s*(?:(?:hi|hello|dear|good morning|greetings)\s+(?:all|everyone|everybody|team|folks)"
    r"|(?:all|everyone|to all)\b[\w /&-]{0,40}[,:!-])", re.I)
_DELIVERY = re.compile(
    r"^\s*(?:[A-Z][\w.'-]*\s*[,:-]\s*)?(?:as promised|as requested|as discussed|as agreed|"
    r"per (?:your|our) (?:request|conversation|discussion)|here (?:is|are|'s)\b|"
    r"attached (?:is|are|please find|you will find)|please find (?:attached|enclosed)|"
    r"enclosed (?:is|are|please find)|i(?:'ve| have) attached|we(?:'ve| have) attached)", re.I)


def _is_list_address(address: str) -> bool:
    local, _, domain = address.strip().lower().partition("@")
    return bool(local and (_LIST_LOCAL.search(local) or _LIST_DOMAIN.search(domain)))


def broadcast(email: EmailIn, reply_text: str) -> bool:
    """True when the mail goes to a crowd: many recipients, a list address, list or
    newsletter footers, an automated notice, a job posting, a greeting to everyone."""
    people = {a.address.lower() for a in (*email.to, *email.cc) if a.address}
    if len(people) >= MANY_RECIPIENTS or any(_is_list_address(a) for a in people):
        return True
    if _BROADCAST_TEXT.search(email.body[:200_000]):
        return True
    return bool(_CROWD_GREETING.match(reply_text[:200]))


def is_delivery(sentence: str) -> bool:
    """True for a sentence that hands something over ("As promised, attached is the deck")."""
    return bool(_DELIVERY.match(sentence))
