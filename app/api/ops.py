"""Operator endpoints: liveness, readiness (database reachable) and the local JWKS."""

from __future__ import annotations

from typing import Any

import sqlalchemy.exc
from flask import Blueprint

from app import extensions as ctx
from app.errors import NotFound, ServiceUnavailable

from .answers import DocumentOut, JwksOut, StatusOut
from .spec import Documented, spec

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
@spec.validate(resp=Documented(HTTP_200=StatusOut), tags=["ops"])
def healthz() -> Any:
    """The process is up."""
    return {"status": "ok"}


@bp.get("/readyz")
@spec.validate(resp=Documented(HTTP_200=StatusOut), tags=["ops"])
def readyz() -> Any:
    """The process can serve: the database answers."""
    try:
        ctx.database().ping()
    except sqlalchemy.exc.SQLAlchemyError as exc:
        raise ServiceUnavailable("database unreachable", code="database_unreachable") from exc
    return {"status": "ready"}


@bp.get("/api/v1/openapi.json")
@spec.validate(resp=Documented(HTTP_200=DocumentOut), tags=["ops"])
def openapi() -> Any:
    """The OpenAPI 3 document of the API (generated from the request models)."""
    return spec.spec


@bp.get("/local-idp/keys")
@spec.validate(resp=Documented(HTTP_200=JwksOut), tags=["ops"])
def local_jwks() -> Any:
    """The public key of the local signer (only when no Entra app is configured)."""
    signer = ctx.signer()
    if signer is None:
        raise NotFound("local keys are off: Entra ID is configured")
    return signer.jwks()
