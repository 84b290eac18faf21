"""Privacy commands: ``flask --app app erase --email ADDRESS`` (the API's erasure, for an
operator) and ``flask --app app retention`` (drop stored text older than the retention)."""

from __future__ import annotations

import uuid

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from app import extensions as context
from app.errors import StorylineError
from app.records.erasure import erase_person
from app.records.models import Tenant
from app.records.retention import drop_old_text


def _tenant(session: sa.orm.Session, tenant_id: uuid.UUID | None) -> uuid.UUID:
    if tenant_id is not None:
        return tenant_id
    ids = session.scalars(sa.select(Tenant.id).limit(2)).all()
    if len(ids) != 1:
        raise click.ClickException("several tenants (or none): give --tenant-id")
    return ids[0]


@click.command("erase")
@with_appcontext
@click.option("--email", required=True, help="One of the person's addresses.")
@click.option("--tenant-id", type=click.UUID, default=None,
              help="The tenant (default: the only one).")
def erase(email: str, tenant_id: uuid.UUID | None) -> None:
    """Erases a person: contact, addresses, their mail and findings; the address is then
    nowhere in the database, remembered only as a keyed hash so sync skips it."""
    try:
        with context.database().session() as session:
            done = erase_person(session, tenant_id=_tenant(session, tenant_id), email=email,
                                actor=None)
    except StorylineError as err:
        raise click.ClickException(err.message) from None
    removed = ", ".join(f"{k} {v}" for k, v in done.report.counts().items() if v)
    click.echo(f"erased ({removed or 'nothing was stored'}); remembered as "
               f"{', '.join(done.address_hashes)}")


@click.command("retention")
@with_appcontext
def retention() -> None:
    """Drops stored text (snippets, bodies, evidence) older than STORYLINE_RETENTION_DAYS."""
    days = context.settings().retention_days
    if not days:
        click.echo("STORYLINE_RETENTION_DAYS is 0: stored text is kept")
        return
    with context.database().session() as session:
        counts = drop_old_text(session, days=days)
    click.echo(f"dropped the text of {counts['interactions']} interactions and "
               f"{counts['findings']} findings older than {days} days")


COMMANDS = (erase, retention)
