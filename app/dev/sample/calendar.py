"""Meetings: customer calls in past weeks and the next ten days (the first within the hour),
internal ones, one cancelled."""

from __future__ import annotations

import html
import random
from collections.abc import Iterator
from datetime import datetime, timedelta

from app.dev.sample import resources
from app.dev.sample.details import MODULES, REGIONS
from app.dev.sample.model import SampleAccount, SampleSeller
from app.dev.sample.threads import Item

TOPICS = ("Quarterly business review", "Security review", "Demo of the {module}",
          "Pricing discussion", "Kickoff for {region}", "Remediation plan review",
          "Renewal planning", "Discovery call")
INTERNAL_TOPICS = ("Pipeline review", "Deal desk: {company}", "1:1", "Forecast call")
AGENDA = ("Agenda:\n1. Where things stand at {company}\n2. Open questions from your team\n"
          "3. Next steps and owners\n\nLooking forward to speaking.")


def _attendee(name: str, address: str, kind: str, response: str, at: datetime) -> dict:
    return {"type": kind, "status": {"response": response, "time": resources.graph_time(at)},
            "emailAddress": {"name": name, "address": address}}


def _event(*, mailbox: str, key: str, subject: str, start: datetime, minutes: int,
           organizer: tuple[str, str], attendees: list[dict], body_text: str, online: bool,
           place: str, cancelled: bool, created: datetime) -> dict:
    is_org = organizer[1] == mailbox
    mine = next((a for a in attendees if a["emailAddress"]["address"] == mailbox), None)
    response = "organizer" if is_org else (mine["status"]["response"] if mine else "none")
    content = ("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
               "charset=utf-8\"></head><body><div>"
               + html.escape(body_text).replace("\n", "<br>") + "</div></body></html>")
    location = ({"displayName": "Microsoft Teams Meeting", "locationType": "default",
                 "uniqueId": "Microsoft Teams Meeting", "uniqueIdType": "private"} if online
                else {"displayName": place, "locationType": "default", "uniqueId": place,
                      "uniqueIdType": "private"})
    return {
        "@odata.type": "#microsoft.graph.event",
        "@odata.etag": f'W/"{resources.item_id(mailbox, key + "etag")[7:31]}"',
        "id": resources.item_id(mailbox, key),
        "createdDateTime": resources.graph_time(created),
        "lastModifiedDateTime": resources.graph_time(created + timedelta(hours=1)),
        "changeKey": resources.item_id(mailbox, key + "ck")[7:31],
        "categories": [], "transactionId": None,
        "originalStartTimeZone": "UTC", "originalEndTimeZone": "UTC",
        "iCalUId": resources.ical_uid(key),
        "reminderMinutesBeforeStart": 15, "isReminderOn": True, "hasAttachments": False,
        "subject": ("Canceled: " if cancelled else "") + subject,
        "bodyPreview": " ".join(body_text.split())[:255],
        "importance": "normal", "sensitivity": "normal", "isAllDay": False,
        "isCancelled": cancelled, "isOrganizer": is_org, "responseRequested": True,
        "seriesMasterId": None, "showAs": "free" if cancelled else "busy",
        "type": "singleInstance", "isDraft": False, "allowNewTimeProposals": True,
        "hideAttendees": False, "isOnlineMeeting": online,
        "onlineMeetingProvider": "teamsForBusiness" if online else "unknown",
        "onlineMeetingUrl": None,
        "webLink": f"https://outlook.office365.com/owa/?itemid={resources.item_id(mailbox, key)}"
                   "&exvsurl=1&path=/calendar/item",
        "responseStatus": {"response": response, "time": resources.graph_time(created)},
        "body": {"contentType": "html", "content": content},
        "start": resources.event_time(start),
        "end": resources.event_time(start + timedelta(minutes=minutes)),
        "location": location, "locations": [location],
        "recurrence": None, "attendees": attendees,
        "organizer": {"emailAddress": {"name": organizer[0], "address": organizer[1]}},
        "onlineMeeting": ({"joinUrl": "https://teams.microsoft.com/l/meetup-join/19%3ameeting_"
                           + key.replace(":", "_") + "%40thread.v2/0"} if online else None),
    }


def _slot(rng: random.Random, day: datetime) -> datetime:
    while day.weekday() > 4:
        day += timedelta(days=1)
    return day.replace(hour=rng.choice((8, 9, 10, 13, 14, 15, 16)),
                       minute=rng.choice((0, 30)), second=0, microsecond=0)


def _soon(now: datetime) -> datetime:
    """40-45 minutes after ``now``, on a five-minute mark."""
    start = now + timedelta(minutes=45)
    return start.replace(minute=start.minute - start.minute % 5, second=0, microsecond=0)


def meetings(accounts: tuple[SampleAccount, ...], sellers: tuple[SampleSeller, ...],
             now: datetime, seed: int, scale: float, kinds: list[str]) -> Iterator[Item]:
    """Yields every seller's calendar copy of every meeting."""
    by_email = {s.email: s for s in sellers}
    upcoming, past = max(1, round(12 * scale)), max(1, round(18 * scale))
    for k in range(upcoming + past + max(1, round(5 * scale))):
        rng = random.Random(f"{seed}:meeting:{k}")
        key = f"m{seed}:{k}"
        account = accounts[(k * 7) % len(accounts)]
        if k == 0:  # the seller's next customer call, within the hour: its prep card is due
            start = _soon(now)
        elif k < upcoming:
            start = _slot(rng, now + timedelta(days=rng.uniform(0.2, 10)))
        else:
            start = _slot(rng, now - timedelta(days=rng.uniform(1, 35)))
        owner = by_email[account.owner_email]
        me = (owner.display_name, owner.email)
        created = min(now, start) - timedelta(days=rng.randint(2, 12))
        attendees = []
        if k >= upcoming + past:  # internal only
            subject = rng.choice(INTERNAL_TOPICS).format(company=account.name)
            for s in rng.sample([s for s in sellers if s is not owner], rng.randint(1, 3)):
                attendees.append(_attendee(s.display_name, s.email, "required",
                                           rng.choice(("accepted", "tentativelyAccepted")),
                                           created))
            kinds.append("internal_meeting")
        else:
            subject = f"Lumenfield / {account.name}: " + rng.choice(TOPICS).format(
                module=rng.choice(MODULES), region=rng.choice(REGIONS))
            people = [c for c in account.contacts if c.account_domain]
            for c in rng.sample(people, min(len(people), rng.randint(1, 3))):
                attendees.append(_attendee(c.name, c.email, "required",
                                           rng.choice(("accepted", "none", "tentativelyAccepted")),
                                           created))
            if rng.random() < 0.4:
                mate = rng.choice([s for s in sellers if s is not owner])
                attendees.append(_attendee(mate.display_name, mate.email, "optional",
                                           "accepted", created))
            kinds.append("external_meeting")
        cancelled = k == 2
        if cancelled:
            kinds.append("cancelled_meeting")
        organizer = me
        if k % 9 == 4 and k < upcoming + past:  # the customer sends the invite
            organizer = (attendees[0]["emailAddress"]["name"],
                         attendees[0]["emailAddress"]["address"])
            attendees[0] = _attendee(owner.display_name, owner.email, "required", "accepted",
                                     created)
        minutes, online = rng.choice((30, 45, 60)), rng.random() < 0.7
        boxes = {organizer[1]} | {a["emailAddress"]["address"] for a in attendees}
        for mailbox in sorted(boxes & set(by_email)):
            yield mailbox, "calendar", _event(
                mailbox=mailbox, key=key, subject=subject, start=start,
                minutes=minutes, organizer=organizer, attendees=attendees,
                body_text=AGENDA.format(company=account.name), online=online,
                place=f"{account.name} offices", cancelled=cancelled, created=created)
