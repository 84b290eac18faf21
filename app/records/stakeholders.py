"""An account's people as the story shows them (:class:`.story_types.Stakeholders`): who was
engaged with us in 90 days, who the mail says has a part in the decision, and whether the
deal hangs on one person.

A decision-maker signal ("our CFO has to sign off") is linked to a contact only when its
words name them, or name a role exactly one contact's title carries; otherwise it is listed
by its role alone, and only when that is a real role (not "stakeholders" or "final say"):
a wrong name beside a deal costs more trust than a missing one. People the mail names with
their role (the ``mentions`` table: "Zeynep Fontaine (Finance Business Partner)") are listed
beside them by name, the newest role winning, linked to the contact the record linked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from .story_types import EngagedPerson, MentionedPerson, Stakeholders

ENGAGED_DAYS = 90
THREAD_DAYS = 30  # single-threaded: only one person engaged in this many days
MAX_ENGAGED = 25
MAX_MENTIONED = 10
ROLE = re.compile(
    r"^(?:ceo|cfo|cto|coo|cio|ciso|cmo|cro|vp(?: of [a-z]+)?|vice president(?: of [a-z]+)?|"
    r"board|director(?: of [a-z]+)?|head of [a-z]+|general counsel|steering committee|"
    r"procurement lead|chief [a-z]+ officer|founder|president|owner)$")
SPELLED = {"ceo": "chief executive officer", "cfo": "chief financial officer",
           "cto": "chief technology officer", "coo": "chief operating officer",
           "cio": "chief information officer", "ciso": "chief information security officer",
           "cmo": "chief marketing officer", "cro": "chief revenue officer"}


def _survivors(people: Sequence[Any]) -> tuple[dict[str, str], dict[str, Any]]:
    """Each contact id to the id of the contact it was merged into (itself if none), and the
    surviving contacts by id."""
    into = {p.id: p.merged_into for p in people}
    top: dict[str, str] = {}
    for cid in into:
        seen, at = {cid}, cid
        while into.get(at) and into[at] not in seen:
            at = into[at]
            seen.add(at)
        top[cid] = at
    return top, {p.id: p for p in people if not p.merged_into}


def _title_fits(role: str, title: str | None) -> bool:
    t = f" {(title or '').lower()} "
    words = [role] + ([SPELLED[role]] if role in SPELLED else [])
    return any(re.search(rf"\b{re.escape(w)}\b", t) for w in words)


def _named(text: str, people: Iterable[Any]) -> list[Any]:
    out = []
    for p in people:
        name = (p.display_name or "").strip()
        if len(name.split()) >= 2 and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.I):
            out.append(p)
    return out


def _mention(row: Any, live: dict[str, Any], engaged: set[str]) -> MentionedPerson | None:
    role = row.value.strip().lower() if isinstance(row.value, str) else ""
    named = _named(row.text or "", live.values())
    if len(named) != 1 and ROLE.match(role):
        named = [p for p in live.values() if _title_fits(role, p.title)]
    if len(named) != 1 and not ROLE.match(role):
        return None
    person = named[0] if len(named) == 1 else None
    return MentionedPerson(
        role=role if ROLE.match(role) else "decision maker",
        contact_id=person.id if person else None, name=person.display_name if person else None,
        title=person.title if person else None,
        engaged=bool(person and person.id in engaged), text=row.text or "",
        interaction_id=row.interaction_id or None, mentioned_at=row.occurred_at)


def _named_in_mail(row: Any, top: dict[str, str], live: dict[str, Any],
                   engaged: set[str]) -> MentionedPerson:
    cid = top.get(row.contact_id, row.contact_id) if row.contact_id else None
    person = live.get(cid) if cid else None
    return MentionedPerson(
        role=row.role, contact_id=person.id if person else None,
        name=person.display_name if person else row.name,
        title=person.title if person else None, engaged=bool(person and person.id in engaged),
        text="", interaction_id=row.interaction_id or None, mentioned_at=row.occurred_at,
        source="mail")


def _at(address: str, domains: Iterable[str]) -> bool:
    host = address.rpartition("@")[2].lower()
    return any(host == d or host.endswith(f".{d}") for d in domains)


def build(*, people: Sequence[Any], engaged: Sequence[Any], mentions: Sequence[Any],
          open_deals: list[str], domains: Iterable[str], now: datetime,
          named: Sequence[Any] = ()) -> Stakeholders:
    """Stakeholders from ``story_sql`` rows: ``ACCOUNT_PEOPLE``, ``ENGAGED`` (per contact
    and address, in 90 days; people we keep no contact for count when their address is at
    one of the account's ``domains``), ``MENTIONS`` (decision-maker signals, newest first)
    and ``NAMED`` (people the mail named with a role in 90 days, newest first)."""
    top, live = _survivors(people)
    domains = list(domains)
    folded: dict[str, dict[str, Any]] = {}
    for r in engaged:
        if r.contact_id is None and not _at(r.address, domains):
            continue  # someone from elsewhere on the account's mail (a partner, a vendor)
        cid = top.get(r.contact_id, r.contact_id) if r.contact_id else f"address:{r.address}"
        f = folded.setdefault(cid, {"sent": 0, "received": 0, "meetings": 0, "last": r.last_at,
                                    "name": r.name or None, "address": r.address})
        f["sent"] += int(r.sent)
        f["received"] += int(r.received)
        f["meetings"] += int(r.meetings)
        f["last"] = max(f["last"], r.last_at)
    found = [m for m in (_mention(row, live, set(folded)) for row in mentions) if m]
    found += [_named_in_mail(row, top, live, set(folded)) for row in named]
    found.sort(key=lambda m: m.mentioned_at, reverse=True)  # stable: newest first
    mentioned: list[MentionedPerson] = []
    seen: set[str] = set()
    for m in found:  # one line per person (by name, else by role): the newest role wins
        key = f"name:{' '.join(m.name.split()).lower()}" if m.name else m.contact_id or m.role
        if key not in seen:
            seen.add(key)
            mentioned.append(m)
    roles: dict[str, list[str]] = {}
    for m in mentioned:
        if m.contact_id:
            roles.setdefault(m.contact_id, []).append(m.role)
    people_out = sorted(
        (EngagedPerson(contact_id=cid if cid in live else None,
                       name=live[cid].display_name if cid in live else f["name"],
                       title=live[cid].title if cid in live else None,
                       email=live[cid].address if cid in live else f["address"],
                       sent=f["sent"],
                       received=f["received"], meetings=f["meetings"], last_touch_at=f["last"],
                       roles=roles.get(cid, []))
         for cid, f in folded.items()),
        key=lambda p: p.last_touch_at, reverse=True)
    recent = [p for p in people_out if p.last_touch_at >= now - timedelta(days=THREAD_DAYS)]
    # two addresses of one name (a merge not made yet) are one person, not two threads
    persons = {(p.name or p.email or "").strip().lower() for p in recent}
    single = bool(open_deals) and len(persons) == 1
    reason = None
    if single:
        who = recent[0].name or recent[0].email or "one person"
        reason = (f"Only {who} has been in touch in {THREAD_DAYS} days while "
                  f"{open_deals[0]} is open")
    return Stakeholders(engaged=people_out[:MAX_ENGAGED], mentioned=mentioned[:MAX_MENTIONED],
                        engaged_30d=len(persons), single_threaded=single,
                        single_threaded_reason=reason)
