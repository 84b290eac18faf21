"""The process's resources and the request's accessors, in one place.

``init_app`` creates the database, the token validator and (without Entra) the local signer;
the job runner, the inline scheduler and the draft extractor are built on first use. Every
module that needs one asks here, so a resource is created once per process.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from app.auth.local_keys import LocalSigner
from app.auth.tokens import JwksUrlKeys, KeySource, Principal, StaticKeys, TokenValidator
from app.db import Database, hash_key
from app.extract.lazy import LazyExtractor
from app.jobs.runner import Runner, build_runner
from app.jobs.scheduler import InlineScheduler
from app.settings import Settings

log = logging.getLogger(__name__)
EXT = "storyline"


def init_app(app: Flask, settings: Settings) -> None:
    """Creates the process-wide database and token validator and closes sessions per request."""
    ext: dict[str, Any] = {"db": Database(settings.sqlalchemy_url, hash_key=hash_key(settings),
                                        visibility=settings.visibility,
                                        stale_promise_days=settings.stale_promise_days)}
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


def runner(app: Flask | None = None) -> Runner:
    """The process's job runner (inline, or Celery when a broker is configured)."""
    app = app or current_app
    ext = app.extensions[EXT]
    found: Runner | None = ext.get("runner")
    if found is None:
        from app.jobs.context import build_context

        settings_, db = app.config["STORYLINE"], database(app)
        found = build_runner(settings_, lambda: build_context(settings_, db=db))
        ext["runner"] = found
    return found


def extractor(app: Flask | None = None) -> LazyExtractor:
    """The process's extractor for drafts and items, built the first time it is used."""
    app = app or current_app
    ext = app.extensions[EXT]
    if "extractor" not in ext:
        ext["extractor"] = LazyExtractor(app.config["STORYLINE"].spacy_model)
    lazy: LazyExtractor = ext["extractor"]
    return lazy


def scheduler_for(app: Flask) -> InlineScheduler:
    """The app's inline scheduler (not started), queuing on the app's job runner."""
    ext = app.extensions[EXT]
    found: InlineScheduler | None = ext.get("scheduler")
    if found is None:
        settings_ = app.config["STORYLINE"]
        with app.app_context():
            jobs = runner(app)
        found = InlineScheduler(jobs, lock_path=settings_.instance_path / "scheduler.lock",
                                tick=float(settings_.scheduler_tick))
        ext["scheduler"] = found
    return found


def start_scheduler(app: Any) -> InlineScheduler | None:
    """Starts the app's inline scheduler when its settings want one (no broker and Graph
    configured, or ``STORYLINE_SCHEDULER=inline``); None otherwise. Called by gunicorn's
    worker hooks (``gunicorn.conf.py``)."""
    if not isinstance(app, Flask) or not app.config["STORYLINE"].runs_inline_scheduler:
        return None
    return scheduler_for(app).start()


def stop_scheduler(app: Any, drain_timeout: float = 15.0) -> None:
    """Stops the scheduler and lets queued jobs finish (a worker's graceful exit)."""
    if not isinstance(app, Flask) or EXT not in app.extensions:
        return
    found: InlineScheduler | None = app.extensions[EXT].get("scheduler")
    if found is None:
        return
    found.stop()
    drain = getattr(found.runner, "drain", None)
    if drain is not None:
        try:
            drain(drain_timeout)
        except TimeoutError:
            log.warning("jobs still running at exit")


def set_runner(app: Flask, jobs: Runner) -> None:
    """Makes ``jobs`` the app's job runner (tools and tests that bring their own context)."""
    app.extensions[EXT]["runner"] = jobs
