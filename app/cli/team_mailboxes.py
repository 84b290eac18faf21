"""``flask --app app team-mailbox --tenant-id ID --address support@... --function support``:
enrols a shared mailbox as a team mailbox (``--list`` shows them)."""

from __future__ import annotations

import uuid

import click
from flask.cli import with_appcontext

from app import extensions as context
from app.errors import StorylineError
from app.records.models import FUNCTIONS
from app.records.team_mailboxes import enrol_team_mailbox, team_mailboxes


@click.command("team-mailbox")
@with_appcontext
@click.option("--tenant-id", required=True, type=click.UUID, help="The Entra directory id.")
@click.option("--address", default=None, help="The shared mailbox, e.g. support@example.com.")
@click.option("--function", "function", type=click.Choice(FUNCTIONS), default=None)
@click.option("--name", default=None, help="How the team shows (default: '<Function> team').")
@click.option("--function-only", is_flag=True, help="Only people of that function see its mail.")
@click.option("--list", "listing", is_flag=True, help="List the tenant's team mailboxes.")
def team_mailbox(tenant_id: uuid.UUID, address: str | None, function: str | None,
                 name: str | None, function_only: bool, listing: bool) -> None:
    """Enrols a shared mailbox (support@, billing@ ...) with its function, or lists them."""
    with context.database().session() as session:
        if not listing:
            if not address or not function:
                raise click.UsageError("give --address and --function (or --list)")
            try:
                box = enrol_team_mailbox(session, tenant_id=tenant_id, address=address,
                                         function=function, name=name,
                                         function_only=function_only)
            except StorylineError as exc:
                raise click.ClickException(str(exc)) from exc
            click.echo(f"{box.email}: {box.function} team mailbox"
                       f"{' (function only)' if box.function_only else ''}; "
                       "the next sync round brings its mail in")
        for box in team_mailboxes(session, tenant_id=tenant_id) if listing else []:
            click.echo(f"{box.email}\t{box.function}\t"
                       f"{'function only' if box.function_only else 'tenant policy'}\t"
                       f"{'syncing' if box.sync_enabled else 'paused'}")


COMMANDS = (team_mailbox,)
