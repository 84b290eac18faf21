"""``flask --app app doctor``: checks a deployment's configuration and names what is wrong.

Settings, the database (reachable, migrated), the broker, a Graph token for each tenant, the
Graph application permissions the token carries, and the public webhook URL (https, this
service answering there, the validation handshake echoed). One line per check; exit 1 when
one fails.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import click
import jwt
import requests
import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask.cli import with_appcontext

from app import extensions as ctx
from app.migrate import alembic_config
from app.settings import Settings

# Graph application permissions, by the feature that needs them (docs/deploy.md).
APP_PERMISSIONS: dict[str, tuple[str, bool]] = {
    "Mail.Read": ("mail sync (inbox and sent items, change notifications)", True),
    "Calendars.Read": ("meeting sync and prep cards", True),
    "TeamsActivity.Send": ("meeting-prep cards and digests in Teams", True),
    "GroupMember.Read.All": ("enrolling sellers by Entra group", False),
}


@dataclass
class Result:
    """One check: passed, failed (with the fix), or only a warning."""

    name: str
    ok: bool
    detail: str
    warning: bool = False


def check_settings(settings: Settings) -> list[Result]:
    """What the settings alone say about a production deployment."""
    out = []
    if settings.uses_entra:
        secret = bool(settings.entra_client_secret.reveal() or
                      settings.graph_client_secret.reveal())
        out.append(Result("Entra app", secret, f"client id {settings.entra_client_id}" if secret
                          else "STORYLINE_ENTRA_CLIENT_SECRET is empty: Graph tokens cannot "
                               "be obtained"))
    else:
        out.append(Result("Entra app", True, "STORYLINE_ENTRA_CLIENT_ID is empty: local "
                          "sign-in tokens only (development)", warning=True))
    url = settings.sqlalchemy_url
    out.append(Result("database setting", True, url.split("@")[-1].split("?")[0],
                      warning=url.startswith("sqlite")))
    out.append(Result("broker setting", True, settings.broker_url.split("@")[-1]
                      if settings.broker_url else "empty: jobs run inline in the web "
                      "process (one machine only)", warning=not settings.broker_url))
    base = settings.public_base_url
    if not base:
        out.append(Result("public URL", False, "STORYLINE_PUBLIC_BASE_URL is empty: Graph "
                          "cannot deliver change notifications"))
    elif not base.startswith("https://"):
        out.append(Result("public URL", False, f"{base} is not https: Graph delivers "
                          "notifications over https only"))
    else:
        out.append(Result("public URL", True, base))
    return out


def check_database() -> Result:
    """The database answers and is at the newest migration."""
    engine = ctx.database().engine
    try:
        with engine.connect() as conn:
            current = set(MigrationContext.configure(conn).get_current_heads())
    except sa.exc.SQLAlchemyError as err:
        return Result("database", False, f"not reachable ({type(err).__name__}: "
                      f"{str(err).splitlines()[0][:160]})")
    heads = set(ScriptDirectory.from_config(alembic_config(str(engine.url))).get_heads())
    if current != heads:
        return Result("database", False, f"at {', '.join(sorted(current)) or 'no schema'}, "
                      f"newest is {', '.join(sorted(heads))}: run flask --app app db-upgrade")
    return Result("database", True, f"reachable, at {', '.join(sorted(heads))}")


def check_broker(settings: Settings) -> Result | None:
    """Redis answers (when a broker is set)."""
    if not settings.broker_url:
        return None
    import redis

    try:
        redis.Redis.from_url(settings.broker_url, socket_timeout=5,
                             socket_connect_timeout=5).ping()
    except redis.RedisError as err:
        return Result("broker", False, f"{settings.broker_url.split('@')[-1]} does not "
                      f"answer ({type(err).__name__})")
    return Result("broker", True, "Redis answers ping")


def check_graph(settings: Settings, tenant_ids: list[uuid.UUID]) -> list[Result]:
    """A Graph app token per tenant, and the application permissions it carries."""
    if not settings.graph_app_id:
        return [Result("Graph", False, "no Graph app: set STORYLINE_ENTRA_CLIENT_ID and "
                       "STORYLINE_ENTRA_CLIENT_SECRET")]
    if not tenant_ids:
        return [Result("Graph", False, "no tenant onboarded yet: flask --app app tenant-add")]
    from app.errors import StorylineError
    from app.graph.config import GraphConfig
    from app.graph.credentials import GraphAuth

    auth = GraphAuth(GraphConfig.from_settings(settings))
    out = []
    for tenant in tenant_ids:
        try:
            token = auth.app_token(str(tenant))
        except StorylineError as err:
            out.append(Result(f"Graph token {tenant}", False, f"{err.message}: check the "
                              "client id, secret and admin consent in this tenant"))
            continue
        out.append(Result(f"Graph token {tenant}", True, "obtained (client credentials)"))
        try:
            roles = set(jwt.decode(token, options={"verify_signature": False}).get("roles", []))
        except jwt.InvalidTokenError:
            roles = set()
        for permission, (why, needed) in APP_PERMISSIONS.items():
            granted = permission in roles
            out.append(Result(f"  {permission}", granted or not needed,
                              f"granted ({why})" if granted else
                              f"not granted: {why} will not work; grant it and give admin "
                              "consent", warning=not granted and not needed))
    return out


def check_webhook(settings: Settings,
                  get: Callable[..., requests.Response] = requests.get,
                  post: Callable[..., requests.Response] = requests.post,
                  verify: bool | str = True) -> list[Result]:
    """This service answers at the public URL over https, and echoes Graph's handshake."""
    base = settings.public_base_url.rstrip("/")
    if not base.startswith("https://"):
        return []
    try:
        health = get(f"{base}/healthz", timeout=10, verify=verify)
    except requests.RequestException as err:
        return [Result("webhook URL", False, f"{base} not reachable over https "
                       f"({type(err).__name__}): check DNS, the proxy and its certificate")]
    if health.status_code != 200:
        return [Result("webhook URL", False, f"{base}/healthz answered {health.status_code}: "
                       "the proxy does not reach Storyline")]
    token = secrets.token_urlsafe(12)
    try:
        echo = post(f"{base}/api/v1/graph/notifications", params={"validationToken": token},
                    timeout=10, verify=verify)
    except requests.RequestException as err:
        return [Result("webhook URL", False, f"notifications endpoint not reachable "
                       f"({type(err).__name__})")]
    ok = echo.status_code == 200 and echo.text == token
    return [Result("webhook URL", ok, f"{base}/api/v1/graph/notifications echoes the "
                   "validation token" if ok else f"the handshake got {echo.status_code}: "
                   "Graph would refuse the subscription")]


@click.command("doctor")
@click.option("--tenant-id", "tenant_ids", type=click.UUID, multiple=True,
              help="Check Graph for these tenants (default: every onboarded tenant).")
@with_appcontext
def doctor(tenant_ids: tuple[uuid.UUID, ...]) -> None:
    """Checks the configuration end to end and names what is wrong."""
    from app.records.models import Tenant

    settings = ctx.settings()
    results = check_settings(settings)
    db = check_database()
    results.append(db)
    broker = check_broker(settings)
    if broker is not None:
        results.append(broker)
    tenants = list(tenant_ids)
    if not tenants and db.ok:
        with ctx.database().sessionmaker() as s:
            tenants = list(s.scalars(sa.select(Tenant.id).order_by(Tenant.created_at)))
    results += check_graph(settings, tenants)
    results += check_webhook(settings, verify=settings.graph_ca_bundle or True)
    failed = [r for r in results if not r.ok]
    for r in results:
        mark = "FAIL" if not r.ok else ("warn" if r.warning else "ok  ")
        click.echo(f"{mark} {r.name:24} {r.detail}")
    if failed:
        raise click.ClickException(f"{len(failed)} problem(s): "
                                   + "; ".join(r.name.strip() for r in failed))
    click.echo("all checks passed")


COMMANDS = (doctor,)
