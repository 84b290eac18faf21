"""The prep card and the morning digest as Adaptive Cards 1.5 (plain dicts, no I/O).

Every card validates against the Adaptive Card 1.5 JSON schema (which is strict: no host
extensions such as ``msteams``), stays well under Teams' 28 KB card limit however long the
record's texts are, and shows customer text as written (markdown escaped).
"""

from __future__ import annotations

from typing import Any

from app.records.models import DEAL_STAGES, DealStage

from .text import clip, md, short_day, when
from .types import AttendeePrep, CommitmentPrep, DayDigest, DigestAction, MeetingPrep, NudgePrep

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
DONE_VERB = "commitment.done"  # Action.Submit data the tab turns into PATCH /commitments/{id}
# Action.Submit data the tab turns into POST /nudges/{id}/done and /nudges/{id}/snooze
NUDGE_DONE_VERB, NUDGE_SNOOZE_VERB = "nudge.done", "nudge.snooze"
NUDGE_LABELS = {"promise_due": "Promise due", "unanswered": "Waiting for your reply",
                "deal_cold": "Deal going cold", "single_threaded": "Single-threaded deal",
                "risk": "Risk"}
MAX_ATTENDEES, MAX_COMMITMENTS, MAX_QUESTIONS, MAX_SIGNALS, MAX_AGENDA = 6, 6, 4, 4, 5
COURT = {"ours": "Ours: they are waiting on us", "theirs": "Theirs: we are waiting on them"}
Element = dict[str, Any]


def _text(text: str, **style: Any) -> Element:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def _stage(stage: str) -> str:
    return DealStage(stage).label if stage in DEAL_STAGES else stage


def _heading(text: str) -> Element:
    return _text(text, weight="Bolder", size="Medium", spacing="Medium", separator=True)


def _facts(pairs: list[tuple[str, str | None]]) -> Element:
    return {"type": "FactSet", "facts": [{"title": clip(t, 40), "value": md(clip(v, 160))}
                                         for t, v in pairs if v]}


def _more(hidden: int, noun: str) -> list[Element]:
    """"+3 more attendees", "+1 more attendee" (``noun`` is the plural)."""
    if hidden <= 0:
        return []
    return [_text(f"+{hidden} more {noun if hidden > 1 else noun.removesuffix('s')}",
                  isSubtle=True, size="Small")]


def _header(prep: MeetingPrep) -> Element:
    span = when(prep.starts_at)
    if prep.ends_at is not None:
        span += f"\u2013{prep.ends_at:%H:%M}"
    items = [
        _text("Meeting prep" + (f" for {md(clip(prep.seller_name, 60))}"
                                if prep.seller_name else ""), isSubtle=True, size="Small"),
        _text(md(clip(prep.title, 120)) or "(no subject)", size="Large", weight="Bolder"),
        _text(f"{span} ({prep.time_zone})"
              + (f" \u00b7 {md(clip(prep.account_name, 80))}" if prep.account_name else ""),
              isSubtle=True, spacing="None"),
    ]
    if prep.cancelled:
        items.append(_text("This meeting was cancelled.", color="Attention", weight="Bolder"))
    return {"type": "Container", "style": "emphasis", "bleed": True, "items": items}


def _attendee(a: AttendeePrep) -> Element:
    name = md(clip(a.name or a.email, 80))
    if a.title:
        name += f", {md(clip(a.title, 80))}"
    return {"type": "Container", "spacing": "Small", "items": [
        _text(f"**{name}**" if a.name or a.title else name),
        _facts([("Role", a.role), ("Last contact", a.last_interaction),
                ("Knows them", ", ".join(a.known_by[:3]) if a.known_by else None)]),
    ]}


def _commitment_line(c: CommitmentPrep) -> str:
    owner = "We owe" if c.side == "us" else "They owe"
    due = f" (due {short_day(c.due_on)})" if c.due_on else \
        f" (no date, {c.age_days} days old)" if c.stale else ""
    flag = "**Overdue** \u00b7 " if c.overdue else ""
    who = f" \u2014 {md(clip(c.who, 50))}" if c.who and c.side == "them" else ""
    return f"{flag}{owner}: {md(clip(c.action, 140))}{due}{who}"


def _commitment(c: CommitmentPrep) -> Element:
    line = _text(_commitment_line(c), color="Attention" if c.overdue else "Default")
    if c.side != "us":
        return line
    done = {"type": "Action.Submit", "title": "Mark done",
            "data": {"action": DONE_VERB, "commitmentId": c.id}}
    return {"type": "ColumnSet", "spacing": "Small", "columns": [
        {"type": "Column", "width": "stretch", "items": [line]},
        {"type": "Column", "width": "auto", "verticalContentAlignment": "Center",
         "items": [{"type": "ActionSet", "actions": [done]}]},
    ]}


def prep_card(prep: MeetingPrep) -> dict[str, Any]:
    """The Adaptive Card (1.5) a seller sees before ``prep``'s meeting."""
    body: list[Element] = [_header(prep)]
    story = [line for line in prep.story if line][:3] or ["No history with these people yet."]
    body.append(_heading("What changed since the last meeting"))
    body += [_text(md(clip(line, 220)), spacing="Small") for line in story]
    if prep.health:
        body.append(_text(f"Relationship health: {md(clip(prep.health, 60))}", isSubtle=True,
                          size="Small"))
    if prep.deal is not None:
        d = prep.deal
        body.append(_heading("Deal"))
        body.append(_facts([
            ("Deal", d.name), ("Stage", _stage(d.stage)),
            ("Days in stage", str(d.days_in_stage)),
            ("Ball in court", COURT.get(d.ball_in_court or "", None)),
            ("Why", d.court_reason), ("Going stale", d.stale_reason),
            ("Amount", d.amount), ("Close date", short_day(d.close_date) if d.close_date else None),
        ]))
    if prep.team_threads:
        body.append(_heading("Open with support and finance"))
        body += [_text(md(clip(line, 200)), spacing="Small") for line in prep.team_threads[:4]]
    if prep.attendees:
        body.append(_heading("Who is coming"))
        body += [_attendee(a) for a in prep.attendees[:MAX_ATTENDEES]]
        body += _more(len(prep.attendees) - MAX_ATTENDEES, "attendees")
    if prep.commitments:
        body.append(_heading("Open commitments"))
        body += [_commitment(c) for c in prep.commitments[:MAX_COMMITMENTS]]
        body += _more(len(prep.commitments) - MAX_COMMITMENTS, "commitments")
    if prep.open_questions:
        body.append(_heading("Questions they asked that we have not answered"))
        body += [_commitment(q) for q in prep.open_questions[:MAX_QUESTIONS]]
        body += _more(len(prep.open_questions) - MAX_QUESTIONS, "questions")
    if prep.signals:
        body.append(_heading("Recent signals"))
        for s in prep.signals[:MAX_SIGNALS]:
            value = f" {md(clip(s.value, 60))}" if s.value else ""
            evidence = f" \u2014 \u201c{md(clip(s.evidence, 160))}\u201d" if s.evidence else ""
            body.append(_text(f"**{md(s.kind.replace('_', ' ').capitalize())}**{value}"
                              f"{evidence} ({short_day(s.occurred_on)})", spacing="Small"))
    if prep.agenda:
        body.append(_heading("Suggested agenda"))
        body += [_text(f"{i}\\. {md(clip(item, 160))}", spacing="Small")
                 for i, item in enumerate(prep.agenda[:MAX_AGENDA], 1)]
    card: dict[str, Any] = {
        "type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION,
        "fallbackText": f"Prep for {clip(prep.title, 120)} at {when(prep.starts_at)}",
        "body": body, "actions": [],
    }
    if prep.story_url:
        card["actions"].append({"type": "Action.OpenUrl", "title": "Open the full story",
                                "url": prep.story_url})
    return card


def digest_card(digest: DayDigest) -> dict[str, Any]:
    """The morning digest: the seller's customer meetings of the day, each linking to its prep."""
    body: list[Element] = [{"type": "Container", "style": "emphasis", "bleed": True, "items": [
        _text("Storyline morning digest", isSubtle=True, size="Small"),
        _text(f"Your customer meetings on {digest.day:%A} {digest.day.day} {digest.day:%B}",
              size="Large", weight="Bolder"),
        _text(f"{len(digest.meetings)} meeting{'s' if len(digest.meetings) != 1 else ''} "
              f"({digest.time_zone})", isSubtle=True, spacing="None"),
    ]}]
    for m in digest.meetings[:12]:
        details = [_text(f"**{md(clip(m.title, 120))}**")]
        who = ", ".join(m.attendees[:4]) + (f" +{len(m.attendees) - 4}"
                                            if len(m.attendees) > 4 else "")
        sub = " \u00b7 ".join(x for x in (m.account_name, who) if x)
        if sub:
            details.append(_text(md(clip(sub, 160)), isSubtle=True, spacing="None"))
        if m.headline:
            details.append(_text(md(clip(m.headline, 160)), spacing="None", color="Attention"))
        row: Element = {"type": "ColumnSet", "separator": True, "spacing": "Medium", "columns": [
            {"type": "Column", "width": "auto",
             "items": [_text(f"{m.starts_at:%H:%M}", weight="Bolder")]},
            {"type": "Column", "width": "stretch", "items": details},
        ]}
        if m.prep_url:
            row["selectAction"] = {"type": "Action.OpenUrl", "title": "Open prep",
                                   "url": m.prep_url}
        body.append(row)
    body += _more(len(digest.meetings) - 12, "meetings")
    return {"type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION,
            "fallbackText": f"{len(digest.meetings)} customer meetings today", "body": body}


def _evidence_facts(nudge: NudgePrep) -> list[tuple[str, str | None]]:
    e = nudge.evidence
    said = e.get("text") if nudge.kind in ("promise_due", "risk") else e.get("snippet")
    return [("Account", nudge.account_name), ("Contact", nudge.contact_name),
            ("Mail", e.get("subject") or None),
            ("Their words" if nudge.kind == "risk" else "Said",
             f"\u201c{said}\u201d" if said else None)]


def nudge_card(nudge: NudgePrep) -> dict[str, Any]:
    """One nudge: what needs doing, why (the reason), the facts behind it, and Open the
    story, Done and Snooze."""
    label = NUDGE_LABELS.get(nudge.kind, nudge.kind)
    body: list[Element] = [
        {"type": "Container", "style": "emphasis", "bleed": True, "items": [
            _text(f"Storyline \u00b7 {label}", isSubtle=True, size="Small"),
            _text(md(clip(nudge.title, 120)) or label, size="Large", weight="Bolder"),
        ]},
        _text(md(clip(nudge.reason, 300)),
              color="Attention" if nudge.kind in ("risk", "promise_due") else "Default"),
        _facts(_evidence_facts(nudge)),
    ]
    actions: list[Element] = []
    if nudge.story_url:
        actions.append({"type": "Action.OpenUrl", "title": "Open the story",
                        "url": nudge.story_url})
    actions += [
        {"type": "Action.Submit", "title": "Done",
         "data": {"action": NUDGE_DONE_VERB, "nudgeId": nudge.id}},
        {"type": "Action.Submit", "title": f"Snooze {nudge.snooze_hours} h",
         "data": {"action": NUDGE_SNOOZE_VERB, "nudgeId": nudge.id,
                  "hours": nudge.snooze_hours}},
    ]
    return {"type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION,
            "fallbackText": clip(f"{label}: {nudge.reason}", 150), "body": body,
            "actions": actions}


def _action_row(a: DigestAction) -> Element:
    row: Element = {"type": "Container", "separator": True, "spacing": "Medium", "items": [
        _text(f"**{md(NUDGE_LABELS.get(a.kind, a.kind))}** \u00b7 {md(clip(a.title, 100))}"),
        _text(md(clip(a.reason, 220)), spacing="None", isSubtle=True),
    ]}
    if a.url:
        row["selectAction"] = {"type": "Action.OpenUrl", "title": "Open the story", "url": a.url}
    return row


def action_digest_card(digest: DayDigest) -> dict[str, Any]:
    """The morning digest of a day without customer meetings: the top things to act on."""
    count = len(digest.actions)
    body: list[Element] = [{"type": "Container", "style": "emphasis", "bleed": True, "items": [
        _text("Storyline morning digest", isSubtle=True, size="Small"),
        _text(f"What needs you on {digest.day:%A} {digest.day.day} {digest.day:%B}",
              size="Large", weight="Bolder"),
        _text(f"No customer meetings today \u00b7 {count} thing{'s' if count != 1 else ''} "
              f"to act on ({digest.time_zone})", isSubtle=True, spacing="None"),
    ]}]
    body += [_action_row(a) for a in digest.actions]
    return {"type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION,
            "fallbackText": f"{count} things to act on today", "body": body}
