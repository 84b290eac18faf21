"""Enrolment commands: ``flask --app app enrol`` (sellers by address or Entra group) and
``flask --app app pause`` (stop syncing a mailbox; mail already recorded stays)."""

from __future__ import annotations

import uuid

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from app import extensions as ctx
from app.errors import StorylineError
from app.jobs.context import build_context
from app.jobs.tasks import enrol_mailbox, pause_mailbox
from app.records.enrolment import enrol_sellers, set_paused
from app.records.identity import normalize_address
from app.records.models import User


@click.command("enrol")
@click.option("--tenant-id", required=True, type=click.UUID, help="The Entra directory id.")
@click.option("--address", "addresses", multiple=True, help="A seller's address (repeatable).")
@click.option("--group", default=None, help="An Entra group id: enrol its members.")
@with_appcontext
def enrol_command(tenant_id: uuid.UUID, addresses: tuple[str, ...], group: str | None) -> None:
    """Enrols sellers: their mailboxes get subscriptions and a backfill (queued on the
    Celery workers when a broker is set, else run here)."""
    settings = ctx.settings()
    wanted, names = list(addresses), {}
    jobs = None
    try:
        if group:
            jobs = build_context(settings, db=ctx.database(), with_extraction=False)
            members = jobs.graph.group_members(str(tenant_id), group)
            if not members:
                raise click.ClickException(f"group {group} has no members with a mailbox")
            click.echo(f"group {group}: {len(members)} member(s) with a mailbox")
            wanted += [m.mail for m in members]
            names = {normalize_address(m.mail): m.display_name for m in members}
        with ctx.database().session() as session:
            enrolled = enrol_sellers(session, tenant_id=tenant_id, addresses=wanted,
                                     names=names)
    except StorylineError as err:
        raise click.ClickException(err.message) from err
    for e in enrolled:
        click.echo(f"{e.email:40} {'enrolled' if e.changed else 'already enrolled'}")
    if settings.broker_url:
        runner = ctx.runner()
        for e in enrolled:
            runner.enqueue("enrol_mailbox", tenant_id=str(tenant_id), user_id=str(e.user_id))
        click.echo(f"{len(enrolled)} backfill(s) queued on the workers "
                   "(progress: flask --app app sync --status)")
        return
    jobs = build_context(settings, db=ctx.database(), with_extraction=True,
                         extraction_process=True)
    try:
        for e in enrolled:
            result = enrol_mailbox(jobs, tenant_id=str(tenant_id), user_id=str(e.user_id))
            sync = result["sync"]
            click.echo(f"{e.email:40} subscriptions: {result['subscriptions']}; "
                       f"stored {sync.get('stored', 0)} of {sync.get('seen', 0)} seen")
    except StorylineError as err:
        raise click.ClickException(err.message) from err
    finally:
        close = getattr(jobs.extract, "close", None)
        if close is not None:
            close()


@click.command("pause")
@click.option("--mailbox", required=True, help="The seller's address.")
@click.option("--resume", is_flag=True, help="Sync it again instead.")
@with_appcontext
def pause_command(mailbox: str, resume: bool) -> None:
    """Pauses (or resumes) one seller's mailbox, as the seller can from the pane."""
    with ctx.database().session() as session:
        user = session.scalar(sa.select(User).where(User.email == normalize_address(mailbox)))
        if user is None:
            raise click.ClickException(f"no seller {mailbox}")
        set_paused(session, tenant_id=user.tenant_id, user_id=user.id, paused=not resume)
        tenant_id, user_id = str(user.tenant_id), str(user.id)
    job = "enrol_mailbox" if resume else "pause_mailbox"
    if ctx.settings().broker_url:
        ctx.runner().enqueue(job, tenant_id=tenant_id, user_id=user_id)
    else:
        jobs = build_context(ctx.settings(), db=ctx.database(), with_extraction=resume)
        (enrol_mailbox if resume else pause_mailbox)(jobs, tenant_id=tenant_id, user_id=user_id)
    click.echo(f"{normalize_address(mailbox)} {'resumed' if resume else 'paused'}")


COMMANDS = (enrol_command, pause_command)
