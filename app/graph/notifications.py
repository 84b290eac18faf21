"""Change-notification payloads (``changeNotificationCollection``) parsed with kiota's JSON
parse nodes, the same path msgraph-sdk uses, into :class:`ChangeNotification` values.

msgraph-sdk's v1 models do not ship ``changeNotification``, so the two small Parsable
classes here describe it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from kiota_abstractions.serialization import Parsable, ParseNode, SerializationWriter
from kiota_serialization_json.json_parse_node_factory import JsonParseNodeFactory

from .types import ChangeNotification


@dataclass
class _Notification(Parsable):
    additional_data: dict[str, Any] = field(default_factory=dict)
    subscription_id: str | None = None
    client_state: str | None = None
    change_type: str | None = None
    resource: str | None = None
    tenant_id: str | None = None
    lifecycle_event: str | None = None
    expires: str | None = None
    resource_data: dict[str, Any] | None = None

    @staticmethod
    def create_from_discriminator_value(parse_node: ParseNode) -> _Notification:
        return _Notification()

    def get_field_deserializers(self) -> dict[str, Callable[[ParseNode], None]]:
        def text(name: str) -> Callable[[ParseNode], None]:
            return lambda n: setattr(self, name, n.get_str_value())

        return {
            "subscriptionId": text("subscription_id"),
            "clientState": text("client_state"),
            "changeType": text("change_type"),
            "resource": text("resource"),
            "tenantId": text("tenant_id"),
            "lifecycleEvent": text("lifecycle_event"),
            "subscriptionExpirationDateTime": text("expires"),
            "resourceData": lambda n: setattr(self, "resource_data", n.try_get_anything(
                getattr(n, "_json_node", None))),
        }

    def serialize(self, writer: SerializationWriter) -> None:
        raise NotImplementedError("notifications are only read")


@dataclass
class _Collection(Parsable):
    additional_data: dict[str, Any] = field(default_factory=dict)
    value: list[_Notification] | None = None

    @staticmethod
    def create_from_discriminator_value(parse_node: ParseNode) -> _Collection:
        return _Collection()

    def get_field_deserializers(self) -> dict[str, Callable[[ParseNode], None]]:
        return {"value": lambda n: setattr(
            self, "value", n.get_collection_of_object_values(_Notification))}

    def serialize(self, writer: SerializationWriter) -> None:
        raise NotImplementedError("notifications are only read")


def _when(raw: str | None) -> datetime | None:
    if not raw:
        return None
    text = raw.replace("Z", "+00:00")
    if "." in text:  # up to 7 fractional digits before the offset
        head, rest = text.split(".", 1)
        digits = "".join(c for c in rest if c.isdigit())
        text = f"{head}.{digits[:6]}{rest[len(digits):]}"
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_notifications(body: bytes) -> list[ChangeNotification]:
    """The notifications of one POST body; raises ValueError on malformed JSON."""
    node = JsonParseNodeFactory().get_root_parse_node("application/json", body)
    collection = node.get_object_value(_Collection)
    out = []
    for n in collection.value or []:
        if not n.subscription_id:
            continue
        data = n.resource_data if isinstance(n.resource_data, dict) else {}
        out.append(ChangeNotification(
            subscription_id=n.subscription_id,
            client_state=n.client_state,
            change_type=n.change_type,
            resource=n.resource,
            resource_id=data.get("id") if isinstance(data.get("id"), str) else None,
            tenant_id=n.tenant_id,
            lifecycle_event=n.lifecycle_event,
            subscription_expires_at=_when(n.expires),
        ))
    return out
