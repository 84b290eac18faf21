"""Warm-up: the first deserialisation of a Graph model pays ~2 s of lazy imports."""

from __future__ import annotations

import json

from kiota_serialization_json.json_parse_node_factory import JsonParseNodeFactory
from msgraph.generated.users.item.calendar_view.delta.delta_get_response import (
    DeltaGetResponse as EventDelta,
)
from msgraph.generated.users.item.mail_folders.item.messages.delta.delta_get_response import (
    DeltaGetResponse as MessageDelta,
)

from .convert import meeting_from_sdk, message_from_sdk

_SAMPLE = {
    "@odata.deltaLink": "https://graph.invalid/v1.0/delta?$deltatoken=x",
    "value": [{
        "id": "warm", "subject": "warm-up", "receivedDateTime": "2026-01-01T00:00:00Z",
        "body": {"contentType": "text", "content": ""},
        "from": {"emailAddress": {"address": "a@example.com", "name": "A"}},
        "toRecipients": [{"emailAddress": {"address": "b@example.com"}}],
        "start": {"dateTime": "2026-01-01T00:00:00.0000000", "timeZone": "UTC"},
        "attendees": [{"type": "required", "status": {"response": "none"},
                       "emailAddress": {"address": "b@example.com"}}],
    }],
}


def warm_up() -> None:
    """Parses one message and one event page so later pages pay no import cost; call once
    per worker process (Celery worker init, CLI start, benchmark set-up)."""
    body = json.dumps(_SAMPLE).encode()
    factory = JsonParseNodeFactory()
    messages = factory.get_root_parse_node("application/json", body).get_object_value(MessageDelta)
    events = factory.get_root_parse_node("application/json", body).get_object_value(EventDelta)
    for m in messages.value or []:
        message_from_sdk(m)
    for e in events.value or []:
        meeting_from_sdk(e)
