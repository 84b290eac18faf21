"""Typed results (frozen dataclasses of app/records) to JSON responses, at the API's edge."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app

from app.records.story_types import to_json


def json_response(value: Any, status: int = 200) -> Response:
    """``value`` (a dataclass, or lists and dicts of them) as an ``application/json`` answer.

    orjson encodes a heavy story (~27 kB) in well under a millisecond; a ready Response also
    keeps spectree from walking it again for its response models.
    """
    return current_app.response_class(to_json(value) + b"\n", status=status,
                                      mimetype="application/json")
