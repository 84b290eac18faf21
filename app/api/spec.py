"""The OpenAPI document (``/api/v1/openapi.json``) and request validation, from pydantic
models, through spectree; validation failures become our 400 error shape."""

from __future__ import annotations

from typing import Any

from spectree import Response, SecurityScheme, SpecTree
from spectree.models import SecureType, SecuritySchemeData

from app.errors import BadRequest


def _reject(_req: Any, _resp: Any, err: Any, _instance: Any, *_args: Any) -> None:
    if err is None:
        return
    problems = []
    for e in err.errors()[:5]:
        where = ".".join(str(p) for p in e.get("loc", ())) or "request"
        problems.append(f"{where}: {e.get('msg', 'invalid')}")
    raise BadRequest("; ".join(problems), code="invalid_request")


class Documented(Response):
    """Response models for the OpenAPI document only. The bodies are built from typed values
    (frozen dataclasses encoded at the edge), so parsing each one back into pydantic models
    per request would cost the story's latency and check nothing new; the schema-driven
    fuzz run checks that answers match the document."""

    def find_model(self, code: int) -> Any:
        """No per-request validation model (see the class docstring)."""
        return None


spec = SpecTree(
    "flask",
    title="Storyline API",
    version="v1",
    path="api/v1/docs",  # Swagger UI; the document itself is served at /api/v1/openapi.json
    before=_reject,
    security_schemes=[SecurityScheme(
        name="bearer",
        data=SecuritySchemeData(type=SecureType.HTTP, scheme="bearer", bearer_format="JWT"),
    )],
    security={"bearer": []},
)
