"""``flask --app app prep-cards [--meeting ID] [--user ADDRESS] [--digests] --out DIR``: writes
the prep cards that would be sent (one JSON file per meeting and seller), and with
``--digests`` each seller's next morning digest, without sending anything."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from app import extensions as context
from app.prep.cards import prep_card
from app.prep.deliver import coming_digests
from app.prep.gather import PrepLinks, gather_prep
from app.prep.schedule import prep_options, tenant_ids
from app.records.identity import normalize_address
from app.records.models import Interaction, Participant, User, utcnow


def _write(path: Path, card: dict[str, object]) -> None:
    path.write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_digests(now: datetime, address: str | None, days: int, links: PrepLinks,
                   out: Path) -> int:
    """Each seller's next morning digest (the STORYLINE_PREP_DIGEST_AT setting applies)."""
    options = replace(prep_options(context.settings()), links=links)
    coming = coming_digests(context.database(), now, options, address=address, days=days)
    for d in coming:
        path = out / f"digest-{d.day.isoformat()}-{d.address.split('@')[0]}.json"
        _write(path, d.card)
        click.echo(f"{path}  {d.address}  {d.meetings} meeting{'s' if d.meetings != 1 else ''}"
                   f", goes out {d.scheduled_for:%Y-%m-%d %H:%M} UTC")
    return len(coming)



def _pairs(session: Session, meeting: uuid.UUID | None, address: str | None,
           since: datetime, until: datetime) -> list[tuple[Interaction, User]]:
    """(meeting, seller) pairs: the given meeting, or every live meeting in the window, for
    each of our sellers on it (or only the given seller)."""
    query = (sa.select(Interaction, User)
             .join(Participant, sa.and_(Participant.tenant_id == Interaction.tenant_id,
                                        Participant.interaction_id == Interaction.id))
             .join(User, sa.and_(User.tenant_id == Participant.tenant_id,
                                 User.id == Participant.user_id))
             .where(Interaction.kind == "meeting", Interaction.deleted_at.is_(None),
                    Interaction.tenant_id.in_(tenant_ids(session))))
    if meeting is not None:
        query = query.where(Interaction.id == meeting)
    else:
        query = query.where(Interaction.cancelled.is_(False), Interaction.occurred_at >= since,
                            Interaction.occurred_at < until)
    if address:
        query = query.where(User.email == normalize_address(address))
    rows = session.execute(query.order_by(Interaction.occurred_at, User.email)).all()
    return list(dict.fromkeys((m, u) for m, u in rows))


@click.command("prep-cards")
@with_appcontext
@click.option("--meeting", "meeting", type=click.UUID, default=None,
              help="One meeting (its id in the record); default: the coming customer meetings.")
@click.option("--user", "address", default=None, help="Only this seller's cards (an address).")
@click.option("--days", default=7, show_default=True, help="How far ahead to look.")
@click.option("--base-url", default="http://127.0.0.1:5000", show_default=True,
              help="Where the cards' links point (the web app's public address).")
@click.option("--digests", is_flag=True,
              help="Also each seller's next morning digest (digest-<day>-<seller>.json).")
@click.option("--out", "out", required=True,
              type=click.Path(file_okay=False, writable=True, path_type=Path))
def prep_cards(meeting: uuid.UUID | None, address: str | None, days: int, base_url: str,
               digests: bool, out: Path) -> None:
    """Writes the prep cards that would be sent, one JSON file per meeting, sending nothing."""
    now = utcnow()
    out.mkdir(parents=True, exist_ok=True)
    links = PrepLinks(base_url=base_url)
    written = _write_digests(now, address, days, links, out) if digests else 0
    with context.database().session() as session:
        pairs = _pairs(session, meeting, address, now, now + timedelta(days=days))
        if meeting is not None and not pairs:
            raise click.ClickException("no such meeting with one of our sellers on it")
        several = len({u.id for _m, u in pairs}) > 1
        for m, user in pairs:
            prep = gather_prep(session, tenant_id=m.tenant_id, meeting_id=m.id, user_id=user.id,
                               now=now, links=links)
            if not prep.attendees:
                continue  # no customer on it: no card
            name = f"{m.occurred_at:%Y%m%dT%H%M}-{m.id}"
            if several:
                name += "-" + user.email.split("@")[0]
            path = out / f"{name}.json"
            _write(path, prep_card(prep))
            click.echo(f"{path}  {user.email}  {prep.title}")
            written += 1
    click.echo(f"{written} card{'s' if written != 1 else ''} written to {out}", err=True)


COMMANDS = (prep_cards,)
