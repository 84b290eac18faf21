"""Operator commands: ``flask --app app db-upgrade | dev-token | tenant-add |
tenant-settings``."""

from __future__ import annotations

import uuid

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from app import extensions as context
from app import migrate
from app.auth.tokens import ADMIN_ROLE
from app.errors import StorylineError
from app.records.ageing import set_stale_days, stale_days
from app.records.identity import normalize_address
from app.records.models import Tenant, User
from app.records.tenants import ensure_tenant
from app.settings import CONTACT_POLICIES


@click.command("db-upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Creates or migrates the database to the newest schema."""
    migrate.upgrade(context.database().engine)
    click.echo("database is at the newest schema")


@click.command("tenant-add")
@with_appcontext
@click.option("--tenant-id", required=True, type=click.UUID, help="The Entra directory id.")
@click.option("--name", required=True)
@click.option("--domain", "domains", multiple=True, required=True, help="An internal domain.")
@click.option("--contact-policy", type=click.Choice(CONTACT_POLICIES), default=None,
              help="Which mail creates contacts (default: STORYLINE_CONTACT_POLICY, 'sent').")
def tenant_add(tenant_id: uuid.UUID, name: str, domains: tuple[str, ...],
               contact_policy: str | None) -> None:
    """Onboards a tenant (or updates its domains and contact policy). The tenant's policy is
    the one that applies; the setting is only the default for new tenants."""
    with context.database().session() as session:
        if contact_policy is None:
            existing = session.get(Tenant, tenant_id)
            contact_policy = (existing.contact_policy if existing is not None
                              else context.settings().contact_policy)
        ensure_tenant(session, tenant_id=tenant_id, name=name, domains=domains,
                      contact_policy=contact_policy)
    click.echo(f"tenant {tenant_id} ready")


@click.command("dev-token")
@with_appcontext
@click.option("--user", "address", default=None, help="A seller's address (default: the first).")
@click.option("--ttl", default=3600, show_default=True, help="Lifetime in seconds.")
@click.option("--admin", is_flag=True, help="With the Storyline.Admin app role.")
def dev_token(address: str | None, ttl: int, admin: bool) -> None:
    """Prints a token for a seller, signed by the local key (last line of output).

    Refused when a real Entra app is configured: tokens then come from Entra ID only.
    """
    signer = context.signer(current_app)
    if signer is None:
        raise click.ClickException("Entra ID is configured: dev tokens are disabled")
    with context.database().session() as session:
        query = sa.select(User).join(Tenant, Tenant.id == User.tenant_id)
        if address:
            query = query.where(User.email == normalize_address(address))
        user = session.scalars(query.order_by(Tenant.created_at, User.created_at, User.email)
                               .limit(1)).first()
        if user is None:
            raise click.ClickException(
                "no such seller: load the sample (make demo) or onboard a tenant first")
        if user.oid is None:
            user.oid = uuid.uuid4()
        click.echo(f"token for {user.email} (tenant {user.tenant_id}), valid {ttl} s:", err=True)
        click.echo(signer.mint(tenant_id=user.tenant_id, oid=user.oid, username=user.email,
                               name=user.display_name, ttl=ttl,
                               roles=(ADMIN_ROLE,) if admin else ()))


@click.command("tenant-settings")
@with_appcontext
@click.option("--tenant-id", type=click.UUID, default=None,
              help="The tenant (default: the only one).")
@click.option("--stale-promise-days", "stale", default=None, metavar="DAYS|default",
              help="After how many days (1 to 365) a promise with no due date is stale; "
                   "'default' goes back to STORYLINE_STALE_PROMISE_DAYS.")
def tenant_settings(tenant_id: uuid.UUID | None, stale: str | None) -> None:
    """Shows or changes a tenant's own settings (the API's PUT /api/v1/tenant/settings)."""
    with context.database().session() as session:
        if tenant_id is None:
            ids = session.scalars(sa.select(Tenant.id).limit(2)).all()
            if len(ids) != 1:
                raise click.ClickException("several tenants (or none): give --tenant-id")
            tenant_id = ids[0]
        if stale is not None:
            try:
                days = None if stale.strip().lower() == "default" else int(stale)
                set_stale_days(session, tenant_id=tenant_id, days=days)
            except ValueError:
                raise click.ClickException(
                    "--stale-promise-days takes a number of days or 'default'") from None
            except StorylineError as err:
                raise click.ClickException(err.message) from None
        click.echo(f"tenant {tenant_id}: a promise with no due date is stale after "
                   f"{stale_days(session, tenant_id=tenant_id)} days")


COMMANDS = (db_upgrade, tenant_add, dev_token, tenant_settings)
