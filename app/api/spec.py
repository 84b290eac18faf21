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


# Routes that prove themselves otherwise (the webhook by clientState) or need no proof.
PUBLIC_PATHS = frozenset({"/api/v1/graph/notifications", "/healthz", "/readyz",
                          "/api/v1/openapi.json", "/local-idp/keys", "/preview/token",
                          "/preview/sellers"})
# Every operation may answer these, in the one error shape (app/api/errors.py).
ERRORS = {
    "400": "the request is malformed: not JSON, not one object, a field out of range",
    "403": "signed in, but this may not be done (another tenant, a role, a disabled feature)",
    "404": "no such record in your tenant, or no such route",
    "405": "that method is not allowed here",
    "409": "the request contradicts the current state",
    "413": "the body is larger than the endpoint takes",
    "414": "the request line is longer than the server takes (gunicorn, 4,094 bytes)",
    "431": "too many or too large request headers (gunicorn)",
    "500": "something went wrong on our side (logged, never shown)",
    "503": "a dependency (database, identity provider) cannot be reached",
}
ERROR_SCHEMA = {
    "type": "object", "required": ["error"], "additionalProperties": False,
    "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}},
}


class StorylineSpec(SpecTree):
    """spectree's document, completed: every operation lists the error answers it may give
    (401 where a bearer token is required), and public routes require none."""

    def _generate_spec(self) -> dict[str, Any]:
        doc = super()._generate_spec()
        doc.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        ref = {"$ref": "#/components/schemas/Error"}
        for path, operations in doc.get("paths", {}).items():
            public = path in PUBLIC_PATHS
            for op in operations.values():
                if not isinstance(op, dict) or "responses" not in op:
                    continue
                responses = op["responses"]
                codes = dict(ERRORS) if public else {
                    **ERRORS, "401": "no valid bearer token (missing, expired, forged)"}
                for code, what in codes.items():
                    responses.setdefault(code, {"description": what, "content": {
                        "application/json": {"schema": ref}}})
                if public:
                    op["security"] = []
        return doc


spec = StorylineSpec(
    "flask",
    mode="strict",  # the API and ops routes only; pages (pane, tab, preview) are not in it
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
