"""Change-notification subscriptions: the validation handshake before creating one, the
expiry limits, and POSTing change and lifecycle notifications in Graph's shapes."""

from __future__ import annotations

import re
import secrets
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from app.dev.standin.errors import GraphError

MAX_MINUTES = 10_080  # Outlook message/event subscriptions: up to 7 days (v1.0, 2023 docs)
RESOURCE = re.compile(
    r"^/?(me|users/[^/]+)/(mailFolders(\('[^']+'\)|/[^/]+)/messages|messages|events|"
    r"calendar/events)$", re.I)
TIMEOUT = 10.0  # Graph waits 10 s for the handshake answer


def _parse_time(value: str) -> datetime:
    when = datetime.fromisoformat(value)  # 3.11+: "Z" and 7 fractional digits are fine
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def graph_time(when: datetime) -> str:
    """Formats a time like Graph's subscription responses."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f0Z")


@dataclass
class Subscriptions:
    """Subscriptions by id, and every notification delivery attempted."""

    tenant_id: str = ""
    verify: bool | str = True
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    deliveries: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _expiry(self, value: str | None) -> datetime:
        if not value:
            raise GraphError(400, "InvalidRequest", "expirationDateTime is required.")
        try:
            when = _parse_time(value)
        except ValueError as exc:
            raise GraphError(400, "InvalidRequest", "expirationDateTime is invalid.") from exc
        now = datetime.now(UTC)
        if when <= now:
            raise GraphError(400, "InvalidRequest", "Subscription expiration can only be in "
                             "the future.")
        if when > now + timedelta(minutes=MAX_MINUTES):
            raise GraphError(400, "InvalidRequest", "Subscription expiration can only be "
                             f"{MAX_MINUTES} minutes in the future.")
        return when

    def _validate_url(self, url: str) -> None:
        token = secrets.token_urlsafe(24)
        try:
            answer = requests.post(url, params={"validationToken": token}, timeout=TIMEOUT,
                                   verify=self.verify, headers={"Content-Type": "text/plain"})
        except requests.RequestException as exc:
            raise GraphError(400, "ValidationError", "Subscription validation request failed."
                             f" Notification endpoint must respond with 200 OK to validation "
                             f"request. ({type(exc).__name__})") from exc
        if answer.status_code != 200 or answer.text != token or \
                not answer.headers.get("Content-Type", "").startswith("text/plain"):
            raise GraphError(400, "ValidationError", "Subscription validation request failed."
                             " Response must exactly match validationToken query parameter.")

    def create(self, body: dict[str, Any], *, app_id: str, creator: str) -> dict[str, Any]:
        """Validates the request and the endpoints (handshake), then stores the subscription."""
        for name in ("changeType", "notificationUrl", "resource"):
            if not body.get(name):
                raise GraphError(400, "InvalidRequest", f"{name} is required.")
        if not RESOURCE.match(body["resource"]):
            raise GraphError(400, "InvalidRequest", "Resource not supported: "
                             f"'{body['resource']}'.")
        if not str(body["notificationUrl"]).startswith(("https://", "http://")):
            raise GraphError(400, "InvalidRequest", "Invalid notification URL.")
        expiry = self._expiry(body.get("expirationDateTime"))
        self._validate_url(body["notificationUrl"])
        if body.get("lifecycleNotificationUrl"):
            self._validate_url(body["lifecycleNotificationUrl"])
        sub = {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#subscriptions/"
                                 "$entity",
               "id": str(uuid.uuid4()), "resource": body["resource"], "applicationId": app_id,
               "changeType": body["changeType"], "clientState": body.get("clientState"),
               "notificationUrl": body["notificationUrl"],
               "lifecycleNotificationUrl": body.get("lifecycleNotificationUrl"),
               "expirationDateTime": graph_time(expiry), "creatorId": creator,
               "latestSupportedTlsVersion": body.get("latestSupportedTlsVersion", "v1_2"),
               "notificationContentType": "application/json", "includeResourceData": False}
        with self.lock:
            self.items[sub["id"]] = sub
        return sub

    def get(self, sub_id: str) -> dict[str, Any]:
        """Gives a subscription or a Graph 404."""
        with self.lock:
            if sub_id not in self.items:
                raise GraphError(404, "ResourceNotFound",
                                 f"The object was not found. Subscription '{sub_id}'.")
            return self.items[sub_id]

    def renew(self, sub_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Changes the expiry (the only thing Graph lets one update besides the URL)."""
        sub = self.get(sub_id)
        expiry = self._expiry(body.get("expirationDateTime"))
        with self.lock:
            sub["expirationDateTime"] = graph_time(expiry)
            if body.get("notificationUrl"):
                sub["notificationUrl"] = body["notificationUrl"]
        return sub

    def delete(self, sub_id: str) -> None:
        """Removes a subscription."""
        self.get(sub_id)
        with self.lock:
            self.items.pop(sub_id, None)

    def matching(self, mailbox_keys: set[str], folder: str) -> list[dict[str, Any]]:
        """Subscriptions whose resource covers a folder of a mailbox (by oid or address)."""
        out = []
        with self.lock:
            for sub in self.items.values():
                res = sub["resource"].lower().lstrip("/")
                owner = res.split("/")[1] if res.startswith("users/") else ""
                if owner not in mailbox_keys:
                    continue
                is_event = res.endswith("events")
                if (folder == "calendar") != is_event:
                    continue
                if "mailfolders" in res and folder not in res:
                    continue
                out.append(sub)
        return out

    def _post(self, url: str, payload: dict[str, Any], sub_id: str, kind: str) -> dict:
        try:
            answer = requests.post(url, json=payload, timeout=TIMEOUT, verify=self.verify)
            result: dict[str, Any] = {"status": answer.status_code}
        except requests.RequestException as exc:
            result = {"status": None, "error": type(exc).__name__}
        entry = {"subscriptionId": sub_id, "kind": kind, "url": url, "payload": payload,
                 "at": graph_time(datetime.now(UTC))} | result
        with self.lock:
            self.deliveries.append(entry)
        return entry

    def notify(self, sub: dict[str, Any], *, change: str, user_oid: str, item_id: str,
               odata_type: str = "#Microsoft.Graph.Message", etag: str = "") -> dict:
        """POSTs one change notification (the documented shape, with tenantId)."""
        path = ("Events" if "Event" in odata_type else "Messages")
        resource = f"Users/{user_oid}/{path}/{item_id}"
        note = {"id": secrets.token_urlsafe(9), "subscriptionId": sub["id"],
                "subscriptionExpirationDateTime": sub["expirationDateTime"],
                "clientState": sub.get("clientState"), "changeType": change,
                "resource": resource, "tenantId": self.tenant_id,
                "resourceData": {"@odata.type": odata_type, "@odata.id": resource,
                                 "@odata.etag": etag, "id": item_id}}
        return self._post(sub["notificationUrl"], {"value": [note]}, sub["id"], "change")

    def lifecycle(self, sub: dict[str, Any], event: str) -> dict:
        """POSTs a lifecycle notification (reauthorizationRequired, subscriptionRemoved, missed)."""
        url = sub.get("lifecycleNotificationUrl") or sub["notificationUrl"]
        note = {"subscriptionId": sub["id"],
                "subscriptionExpirationDateTime": sub["expirationDateTime"],
                "tenantId": self.tenant_id, "clientState": sub.get("clientState"),
                "lifecycleEvent": event}
        return self._post(url, {"value": [note]}, sub["id"], "lifecycle")
