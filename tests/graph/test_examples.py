"""Every official Graph example body of a message, event, delta page, subscription or
change notification goes through the msgraph-sdk path into our dataclasses.

The docs' "JSON representation" blocks carry placeholders where a typed value belongs
("String (timestamp)", "datetime-value"); Graph never sends those, and the SDK rightly
refuses them, so ``instantiate`` swaps each for a valid value of its type first.
"""

from __future__ import annotations

import asyncio
import copy
from datetime import datetime
from typing import Any

import httpx
import pytest

from app.graph.client import graph_client
from app.graph.config import GraphConfig
from app.graph.delta import event_page, message_page
from app.graph.notifications import parse_notifications
from app.graph.subscriptions import create_subscription
from app.graph.types import ChangeNotification, DeltaPage, MailMessage, Meeting, SubscriptionInfo

from .conftest import example

VALID_TIME = "2016-12-09T20:30:00Z"
TIME_PLACEHOLDERS = ("String (timestamp)", "datetime-value", "DateTimeOffset")


def _is_time(value: str) -> bool:
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00")[:26])
    except ValueError:
        return False
    return True


def instantiate(body: Any) -> Any:
    """The example with typed placeholders replaced by valid values of their type."""
    if isinstance(body, dict):
        out = {}
        for key, value in body.items():
            placeholder = value in TIME_PLACEHOLDERS or (
                key.endswith("DateTime") and isinstance(value, str) and not _is_time(value))
            if placeholder:
                out[key] = VALID_TIME
            elif key == "conversationIndex":
                out[key] = "AQHSUA=="  # base64, as Graph sends binary
            else:
                out[key] = instantiate(value)
        return out
    if isinstance(body, list):
        return [instantiate(v) for v in body]
    return body


def serve(body: Any, status: int = 200) -> httpx.MockTransport:
    """A transport answering every request with ``body``."""
    return httpx.MockTransport(lambda request: httpx.Response(status, json=body))


def fetch(body: Any, *, calendar: bool, parser: str = "sdk") -> DeltaPage[Any]:
    """One delta page fetched through the SDK from a server answering ``body``, read by
    msgraph-sdk's models (``sdk``) or by our JSON reader (``json``)."""
    config = GraphConfig(base_url="https://graph.microsoft.com/v1.0", parser=parser)

    async def main() -> DeltaPage[Any]:
        async with graph_client(config, lambda: "t", transport=serve(body)) as client:
            slots = asyncio.Semaphore(4)
            if calendar:
                return await event_page(client, config, slots, user_id="u", link=None,
                                        start=datetime.fromisoformat("2016-12-01T00:00:00+00:00"),
                                        end=datetime.fromisoformat("2016-12-31T00:00:00+00:00"))
            return await message_page(client, config, slots, user_id="u", folder="inbox",
                                      link=None)

    return asyncio.run(main())


MESSAGE_PAGES = [
    "concepts__delta-query-messages__03_json.json",
    "concepts__delta-query-messages__05_json.json",
    "concepts__delta-query-messages__07_json.json",
    "concepts__delta-query-messages__09_json.json",
    "api-reference__v1.0__api__message-delta__03_response.json",
    "api-reference__v1.0__api__user-list-messages__04_response.json",
]
EVENT_PAGES = [
    "concepts__delta-query-events__03_response.json",
    "concepts__delta-query-events__05_response.json",
    "concepts__delta-query-events__07_response.json",
    "concepts__delta-query-events__09_response.json",
    "api-reference__v1.0__api__event-delta__03_response.json",
    "api-reference__v1.0__api__user-list-calendarview__05_response.json",
    "api-reference__v1.0__api__user-list-events__04_response.json",
]


@pytest.mark.parametrize("name", MESSAGE_PAGES)
def test_message_pages_parse_into_mail_messages(name: str) -> None:
    body = instantiate(example(name))
    page = fetch(body, calendar=False)
    assert all(isinstance(m, MailMessage) for m in page.items)
    assert len(page.items) + len(page.removed) == len(body["value"])
    assert page.next_link == body.get("@odata.nextLink")
    assert page.delta_link == body.get("@odata.deltaLink")
    assert fetch(body, calendar=False, parser="json") == page  # the fast reader agrees


@pytest.mark.parametrize("name", EVENT_PAGES)
def test_event_pages_parse_into_meetings(name: str) -> None:
    body = instantiate(example(name))
    page = fetch(body, calendar=True)
    assert all(isinstance(m, Meeting) for m in page.items)
    assert len(page.items) + len(page.removed) == len(body["value"])
    assert page.resume_link == (body.get("@odata.nextLink") or body.get("@odata.deltaLink"))
    assert fetch(body, calendar=True, parser="json") == page  # the fast reader agrees


def test_a_removed_entry_becomes_a_removed_id_not_an_item() -> None:
    page = fetch(example("concepts__delta-query-messages__09_json.json"), calendar=False)
    assert page.removed == ("AAMkADk0MGFkODE3LWE4MmYtNDRhOS0Dh_6qB-pB2Sa2pUum19a6YAAKnLuxoAAA=",)
    assert page.items[0].sender is not None
    assert page.items[0].sender.address == "danas@contoso.onmicrosoft.com"


def test_event_times_are_aware_utc() -> None:
    page = fetch(example("concepts__delta-query-events__03_response.json"), calendar=True)
    first = page.items[0]
    assert first.start is not None and first.start.isoformat() == "2016-12-09T20:30:00+00:00"
    assert first.organizer is not None and first.organizer.name == "Samantha Booth"


def _resource(name: str) -> Any:
    return instantiate(example(f"api-reference__v1.0__resources__{name}__01_json.json"))


def test_the_message_and_its_parts_parse() -> None:
    msg = _resource("message")
    msg["from"] = {"emailAddress": _resource("emailaddress")}
    msg["sender"] = _resource("recipient")
    msg["body"] = _resource("itembody")
    msg["flag"] = _resource("followupflag")
    msg["internetMessageHeaders"] = [_resource("internetmessageheader")]
    page = fetch({"value": [msg]}, calendar=False)
    (item,) = page.items
    assert item.subject == "string" and item.is_draft is True
    assert fetch({"value": [msg]}, calendar=False, parser="json") == page
    assert item.received_at is not None and item.received_at.tzinfo is not None


def test_the_event_and_its_parts_parse() -> None:
    event = _resource("event")
    event["attendees"] = [_resource("attendee")]
    event["start"] = _resource("datetimetimezone")
    event["location"] = _resource("location")
    event["recurrence"] = _resource("patternedrecurrence")
    event["responseStatus"] = _resource("responsestatus")
    page = fetch({"value": [event]}, calendar=True)
    (item,) = page.items
    assert isinstance(item, Meeting) and item.ical_uid == "string"
    assert fetch({"value": [event]}, calendar=True, parser="json") == page


SUBSCRIPTIONS = [
    "api-reference__v1.0__api__subscription-post-subscriptions__02_request_create_subscription_from_subscriptions.json",
    "api-reference__v1.0__api__subscription-post-subscriptions__03_response.json",
    "api-reference__v1.0__api__subscription-update__02_request_update_subscription.json",
    "api-reference__v1.0__api__subscription-update__03_response.json",
    "api-reference__v1.0__resources__subscription__01_json.json",
    "concepts__webhooks__01_request.json",
    "concepts__webhooks__02_request.json",
    "concepts__webhooks-lifecycle__01_request.json",
    "concepts__webhooks-lifecycle__06_request.json",
    "concepts__webhooks-with-resource-data__01_request.json",
    "concepts__webhooks-with-resource-data__02_response.json",
    "change-notifications-delivery-webhooks__subscription_request.json",
    "change-notifications-delivery-webhooks__renewal_request.json",
]


@pytest.mark.parametrize("name", SUBSCRIPTIONS)
def test_subscription_bodies_parse_into_subscription_info(name: str) -> None:
    body = instantiate(example(name))
    body.setdefault("id", "sub-1")
    config = GraphConfig(base_url="https://graph.microsoft.com/v1.0", max_retries=0)
    info = create_subscription(
        config, lambda: "t", resource="users/u/messages", notification_url="https://x/n",
        client_state="s", transport=lambda: serve(body, status=201),
    )
    assert isinstance(info, SubscriptionInfo) and info.id == body["id"]
    if "expirationDateTime" in body:
        assert info.expires_at is not None and info.expires_at.tzinfo is not None


NOTIFICATIONS = [
    ("concepts__webhooks__04_json.json", "created"),
    ("change-notifications-delivery-webhooks__change_notification.json", "created"),
    ("concepts__webhooks-lifecycle__02_json.json", "subscriptionRemoved"),
    ("concepts__webhooks-lifecycle__03_json.json", "missed"),
    ("concepts__webhooks-lifecycle__04_json.json", "reauthorizationRequired"),
    ("concepts__change-notifications-delivery__01_json.json", None),
]


@pytest.mark.parametrize(("name", "kind"), NOTIFICATIONS)
def test_notification_posts_parse_into_change_notifications(name: str, kind: str | None) -> None:
    body = example(name)
    (note,) = parse_notifications(_bytes(body))
    assert isinstance(note, ChangeNotification) and note.subscription_id
    if kind in ("created", None):
        assert note.lifecycle_event is None
    else:
        assert note.lifecycle_event == kind


def test_a_single_change_notification_resource_parses() -> None:
    single = example("api-reference__v1.0__resources__changenotification__01_json.json")
    (note,) = parse_notifications(_bytes({"value": [single]}))
    assert note.resource_id == "1565293727947"
    assert note.subscription_expires_at is not None


def test_a_collection_with_only_validation_tokens_holds_no_changes() -> None:
    body = example("api-reference__v1.0__resources__changenotificationcollection__01_json.json")
    assert parse_notifications(_bytes(body)) == []


def _bytes(body: Any) -> bytes:
    import json

    return json.dumps(copy.deepcopy(body)).encode()


@pytest.mark.parametrize("parser", ["sdk", "json"])
def test_the_throttling_example_is_retried_then_reported_as_throttled(parser: str) -> None:
    from app.graph.errors import GraphThrottled

    body = example("concepts__throttling__01_response.json")
    calls: list[int] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(429, json=body, headers={"Retry-After": "0.01"})

    config = GraphConfig(base_url="https://graph.microsoft.com/v1.0", parser=parser,
                         max_retries=2)

    async def main() -> None:
        transport = httpx.MockTransport(answer)
        async with graph_client(config, lambda: "t", transport=transport) as client:
            await message_page(client, config, asyncio.Semaphore(4), user_id="u",
                               folder="inbox", link=None)

    with pytest.raises(GraphThrottled):
        asyncio.run(main())
    assert len(calls) == 3


@pytest.mark.parametrize("parser", ["sdk", "json"])
@pytest.mark.parametrize("name", ["concepts__errors__01_json_example-error-response.json",
                                  "concepts__delta-query-overview__03_response.json"])
def test_error_examples_become_typed_errors_without_retries(parser: str, name: str) -> None:
    from app.graph.errors import GraphError

    body = example(name)
    config = GraphConfig(base_url="https://graph.microsoft.com/v1.0", parser=parser)

    async def main() -> None:
        transport = serve(body, status=400)
        async with graph_client(config, lambda: "t", transport=transport) as client:
            await message_page(client, config, asyncio.Semaphore(4), user_id="u",
                               folder="inbox", link=None)

    with pytest.raises(GraphError) as caught:
        asyncio.run(main())
    assert caught.value.http_status == 400 and body["error"]["code"] in caught.value.message
