"""Per-process resources (database, token validator) and per-request accessors."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from app.auth.local_keys import LocalSigner
from app.auth.tokens import JwksUrlKeys, KeySource, Principal, StaticKeys, TokenValidator
from app.db import Database
from app.settings import Settings

EXT = "storyline"


def init_app(app: Flask, settings: Settings) -> None:
    """Creates the process-wide database and token validator and closes sessions per request."""
    ext: dict[str, Any] = {"db": Database(settings.sqlalchemy_url)}
    keys: KeySource
    issuer: Callable[[str], str]
    if settings.uses_entra:
        host = settings.entra_authority_host.rstrip("/")
        keys = JwksUrlKeys(settings.jwks_url or f"{host}/common/discovery/v2.0/keys")
        issuer = f"{host}/{{}}/v2.0".format
    else:
        signer = LocalSigner.load_or_create(
            settings.instance_path, settings.local_issuer, settings.local_audience
        )
        ext["signer"] = signer
        keys = JwksUrlKeys(settings.jwks_url) if settings.jwks_url else StaticKeys(signer.jwks())
        issuer = signer.issuer
    ext["validator"] = TokenValidator(
        keys=keys, audience=settings.audience, issuer_for=issuer,
        required_scope=settings.api_scope,
    )
    app.extensions[EXT] = ext
    app.teardown_appcontext(_close_session)


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def database(app: Flask | None = None) -> Database:
    """The process's database."""
    db: Database = (app or current_app).extensions[EXT]["db"]
    return db


def signer(app: Flask | None = None) -> LocalSigner | None:
    """The local signing key, or None when Entra ID is configured."""
    value: LocalSigner | None = (app or current_app).extensions[EXT].get("signer")
    return value


def validator() -> TokenValidator:
    """The process's token validator."""
    value: TokenValidator = current_app.extensions[EXT]["validator"]
    return value


def db_session() -> Session:
    """The request's session (committed by the view when it changes something)."""
    if "db_session" not in g:
        g.db_session = database().sessionmaker()
    session: Session = g.db_session
    return session


def settings() -> Settings:
    """The app's settings."""
    value: Settings = current_app.config["STORYLINE"]
    return value


def tenant_id() -> uuid.UUID:
    """The caller's tenant (set by authentication)."""
    value: uuid.UUID = g.tenant_id
    return value


def user_id() -> uuid.UUID:
    """The caller's user row id in the tenant."""
    value: uuid.UUID = g.user_id
    return value


def principal() -> Principal:
    """The caller."""
    value: Principal = g.principal
    return value
