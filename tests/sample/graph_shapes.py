"""Checks Graph JSON against the official examples' "JSON representation" blocks."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "graph-examples" / "json"
TYPES = {"microsoft.graph." + name: name.lower() for name in (
    "recipient", "emailAddress", "itemBody", "attendee", "dateTimeTimeZone", "location",
    "internetMessageHeader", "responseStatus", "followupFlag")}


def example(name: str) -> dict:
    """Gives the official "JSON representation" of a Graph resource, by file stem."""
    path = EXAMPLES / f"api-reference__v1.0__resources__{name.lower()}__01_json.json"
    return json.loads(path.read_text())


def _scalar_problem(value: object, placeholder: object) -> bool:
    if value is None:
        return False
    if isinstance(placeholder, bool) or placeholder in ("Boolean", "boolean"):
        return not isinstance(value, bool)
    if isinstance(placeholder, int):
        return not isinstance(value, int) or isinstance(value, bool)
    if placeholder == "String (timestamp)":
        try:
            datetime.fromisoformat(str(value))
        except ValueError:
            return True
        return False
    return not isinstance(value, str)


def shape_problems(value: object, shape: object, path: str = "$") -> list[str]:
    """Lists where ``value`` departs from a Graph example shape (unknown or mistyped fields)."""
    if isinstance(shape, dict):
        if set(shape) == {"@odata.type"}:
            kind = shape["@odata.type"]
            if kind in TYPES:
                return shape_problems(value, example(TYPES[kind]), path)
            return [] if value is None or isinstance(value, dict) else [f"{path}: not an object"]
        if value is None:
            return []
        if not isinstance(value, dict):
            return [f"{path}: not an object"]
        out = []
        for key, item in value.items():
            if key.startswith("@odata."):
                continue
            if key not in shape:
                out.append(f"{path}.{key}: not in the official example")
            else:
                out += shape_problems(item, shape[key], f"{path}.{key}")
        return out
    if isinstance(shape, list):
        if not isinstance(value, list):
            return [f"{path}: not a list"]
        return [p for i, item in enumerate(value) for p in shape_problems(item, shape[0],
                                                                          f"{path}[{i}]")]
    return [f"{path}: {value!r} is not {shape!r}"] if _scalar_problem(value, shape) else []
