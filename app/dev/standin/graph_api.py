"""Graph v1.0 routes of the stand-in: message and calendarView delta, single items,
subscriptions, and the Teams calls meeting prep makes (recorded, not delivered)."""

from __future__ import annotations

import json
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import jwt
from flask import Blueprint, Response, current_app, g, request

from app.dev.standin import delta
from app.dev.standin.errors import GraphError, graph_error
from app.dev.standin.idp import GRAPH_APP_ID, GRAPH_RESOURCE
from app.dev.standin.store import Mailbox

TENANT_KEY = "(tenant)"  # concurrency bucket for calls that are not about one mailbox


# The stand-in's one Entra group: every mailbox it serves (enrolment by group).
SELLERS_GROUP = "5e11e500-0000-4000-8000-000000000001"


def _state() -> Any:
    return current_app.extensions["standin"]


def _claims() -> dict[str, Any]:
    if not _state().require_auth:
        return {"idtyp": "app", "oid": "", "azp": "standin", "tid": _state().store.tenant_id}
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        raise GraphError(401, "InvalidAuthenticationToken", "Access token is empty.")
    try:
        return _state().idp.verify(header[7:], audience=[GRAPH_RESOURCE, GRAPH_APP_ID])
    except jwt.InvalidTokenError as exc:
        raise GraphError(401, "InvalidAuthenticationToken",
                         f"Access token validation failure. {exc}") from exc


def _mailbox(user: str, claims: dict[str, Any]) -> Mailbox:
    if user.lower() == "me":
        user = claims.get("oid", "")
    box = _state().store.mailbox(user)
    if box is None:
        raise GraphError(404, "ErrorInvalidUser", f"The requested user '{user}' is invalid.")
    # like Graph: a token serves its own tenant's mailboxes only (an app token of another
    # tenant, even one this stand-in signed, is refused)
    expected = (box.tenant_id or _state().store.tenant_id).lower()
    if expected and str(claims.get("tid", "")).lower() != expected:
        raise GraphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and "
                         "try again.")
    if claims.get("idtyp") == "user" and claims.get("oid") != box.oid:
        raise GraphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and "
                         "try again.")
    return box


def _dropped(body: bytes) -> Iterator[bytes]:
    """Half the body, then the connection cut under the server's feet (as a proxy or a
    network does). The socket is taken now: the body is sent after the request context."""
    sock = request.environ.get("werkzeug.socket")

    def produce() -> Iterator[bytes]:
        yield body[: len(body) // 2]
        if sock is not None:
            sock.shutdown(socket.SHUT_RDWR)

    return produce()


def _guarded(user: str | None, produce: Callable[[Mailbox | None, dict[str, Any]], Any],
             *, status: int = 200, pageable: bool = False, folder: str = "") -> Response:
    """Runs a Graph call through auth, the mailbox's limits and the injected faults."""
    state = _state()
    try:
        claims = _claims()
        box = _mailbox(user, claims) if user is not None else None
    except GraphError as err:
        return err.response()
    key = box.address if box else TENANT_KEY
    g.standin_mailbox = key
    fault = state.faults.enter(key, folder)
    if fault == "concurrency":
        return graph_error(429, "ApplicationThrottled", "Application is over its "
                           "MailboxConcurrency limit.", {"Retry-After": "1"})
    try:
        if fault == "throttle":
            return graph_error(429, "TooManyRequests", "Please retry again later.",
                               {"Retry-After": state.faults.throttle.retry_after})
        if fault == "unavailable":
            return graph_error(503, "serviceNotAvailable", "The service is temporarily "
                               "unavailable. Please retry after a while.",
                               {"Retry-After": state.faults.unavailable.retry_after})
        state.faults.delay(key)
        try:
            result = produce(box, claims)
        except GraphError as err:
            return err.response()
        if result is None:
            return Response(status=204)
        body = json.dumps(result).encode()
        if pageable and state.faults.should_drop(key):
            return Response(_dropped(body), status=200, content_type="application/json",
                            headers={"Content-Length": str(len(body))}, direct_passthrough=True)
        response = Response(body, status=status, content_type="application/json; "
                            "odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false;"
                            " charset=utf-8")
        prefer = delta.Prefer.parse(request.headers.getlist("Prefer"))
        if pageable and prefer.applied():
            response.headers["Preference-Applied"] = prefer.applied()
        return response
    finally:
        state.faults.leave(key)


def _link_base(user: str, tail: str) -> str:
    return f"{_state().graph_url}/users/{user}/{tail}"


def blueprint() -> Blueprint:
    """Gives the /v1.0 routes."""
    bp = Blueprint("standin_graph", __name__)

    @bp.before_request
    def started() -> None:
        g.standin_started = time.perf_counter()

    @bp.after_request
    def record(response: Response) -> Response:
        _state().faults.record({
            "method": request.method, "path": request.path, "query": request.query_string.decode(),
            "status": response.status_code, "mailbox": g.get("standin_mailbox"),
            "prefer": request.headers.getlist("Prefer"),
            "ms": round((time.perf_counter() - g.get("standin_started", 0)) * 1000, 2),
            "at": datetime.now(UTC).isoformat()})
        return response

    @bp.get("/users/<user>/mailFolders/<folder>/messages/delta")
    @bp.get("/users/<user>/mailFolders/<folder>/messages/delta()")
    @bp.get("/users/<user>/mailfolders/<folder>/messages/delta")
    @bp.get("/users/<user>/mailfolders/<folder>/messages/delta()")
    def message_delta(user: str, folder: str) -> Response:
        def produce(box: Mailbox | None, claims: dict[str, Any]) -> dict[str, Any]:
            assert box is not None
            found = _state().store.folder(box, folder)
            if found is None or found.name == "calendar":
                raise GraphError(404, "ErrorInvalidIdMalformed", "Id is malformed.")
            return _page(found, user, f"mailFolders/{folder}/messages/delta", None)
        return _guarded(user, produce, pageable=True, folder=folder)

    @bp.get("/me/mailFolders/<folder>/messages/delta")
    @bp.get("/me/mailFolders/<folder>/messages/delta()")
    def my_message_delta(folder: str) -> Response:
        return message_delta("me", folder)

    @bp.get("/users/<user>/calendarView/delta")
    @bp.get("/users/<user>/calendarView/delta()")
    @bp.get("/users/<user>/calendarview/delta")
    def calendar_delta(user: str) -> Response:
        def produce(box: Mailbox | None, claims: dict[str, Any]) -> dict[str, Any]:
            assert box is not None
            window = None
            if not (request.args.get("$skiptoken") or request.args.get("$deltatoken")):
                start, end = request.args.get("startDateTime"), request.args.get("endDateTime")
                if not start or not end:
                    raise GraphError(400, "ErrorInvalidParameter", "This request requires a "
                                     "time window specified by the query string parameters "
                                     "StartDateTime and EndDateTime.")
                window = (start.replace("Z", "")[:19], end.replace("Z", "")[:19])
            return _page(box.folders["calendar"], user, "calendarView/delta", window)
        return _guarded(user, produce, pageable=True, folder="calendar")

    @bp.get("/users/<user>/messages")
    def list_messages(user: str) -> Response:
        """Messages of every mail folder; ``$filter=internetMessageId eq '...'`` only."""

        def produce(box: Mailbox | None, claims: dict[str, Any]) -> dict[str, Any]:
            assert box is not None
            value = delta.messages_with_id(_state().store, box, request.args)
            return {"@odata.context": f"{_state().graph_url}/$metadata#Collection(message)",
                    "value": value}
        return _guarded(user, produce)

    @bp.get("/users/<user>/messages/<item>/attachments")
    def list_attachments(user: str, item: str) -> Response:
        """A message's attachments (names, types, sizes), 404 for an unknown message."""

        def produce(box: Mailbox | None, claims: dict[str, Any]) -> dict[str, Any]:
            assert box is not None
            try:
                _, found = _state().store.find(box, item)
            except KeyError as exc:
                raise GraphError(404, "ErrorItemNotFound",
                                 "The specified object was not found in the store.") from exc
            page = delta.attachments(found, request.args)
            context = f"{_state().graph_url}/$metadata#users('{user}')/messages('{item}')" \
                      "/attachments"
            return {"@odata.context": context, **page}
        # faults with folder "attachments" hit these calls only
        return _guarded(user, produce, folder="attachments")

    @bp.get("/users/<user>/messages/<item>")
    @bp.get("/users/<user>/events/<item>")
    def get_item(user: str, item: str) -> Response:
        calendar = "/events/" in request.path

        def produce(box: Mailbox | None, claims: dict[str, Any]) -> dict[str, Any]:
            assert box is not None
            try:
                _, found = _state().store.find(box, item, calendar=calendar)
            except KeyError as exc:
                raise GraphError(404, "ErrorItemNotFound",
                                 "The specified object was not found in the store.") from exc
            select = [s for s in request.args.get("$select", "").split(",") if s]
            prefer = delta.Prefer.parse(request.headers.getlist("Prefer"))
            kind = "#microsoft.graph.event" if calendar else "#microsoft.graph.message"
            return delta.render(found, select=select, body_type=prefer.body_type,
                                removed=False, odata_type=kind)
        return _guarded(user, produce)

    @bp.post("/subscriptions")
    def create_subscription() -> Response:
        body = request.get_json(silent=True) or {}
        return _guarded(None, lambda _b, claims: _state().subscriptions.create(
            body, app_id=claims.get("azp", ""), creator=claims.get("oid", "")), status=201)

    @bp.get("/subscriptions")
    def list_subscriptions() -> Response:
        return _guarded(None, lambda _b, _c: {"value": list(_state().subscriptions.items
                                                             .values())})

    @bp.get("/subscriptions/<sub_id>")
    def get_subscription(sub_id: str) -> Response:
        return _guarded(None, lambda _b, _c: _state().subscriptions.get(sub_id))

    @bp.patch("/subscriptions/<sub_id>")
    def renew_subscription(sub_id: str) -> Response:
        body = request.get_json(silent=True) or {}
        return _guarded(None, lambda _b, _c: _state().subscriptions.renew(sub_id, body))

    @bp.delete("/subscriptions/<sub_id>")
    def delete_subscription(sub_id: str) -> Response:
        return _guarded(None, lambda _b, _c: _state().subscriptions.delete(sub_id))

    @bp.get("/groups/<group_id>/transitiveMembers/microsoft.graph.user")
    @bp.get("/groups/<group_id>/transitiveMembers/graph.user")
    def group_members(group_id: str) -> Response:
        def produce(_b: Mailbox | None, _c: dict[str, Any]) -> dict[str, Any]:
            if group_id != SELLERS_GROUP:
                raise GraphError(404, "Request_ResourceNotFound",
                                 f"Resource '{group_id}' does not exist.")
            return {"value": [{"id": b.oid, "mail": b.address, "displayName": b.display_name}
                              for b in _state().store.mailboxes.values()]}
        return _guarded(None, produce)

    @bp.post("/chats")
    @bp.post("/users/<user>/chats")
    def create_chat(user: str | None = None) -> Response:
        body = request.get_json(silent=True) or {}
        chat = {"id": f"19:{uuid.uuid4().hex}@unq.gbl.spaces", "chatType":
                body.get("chatType", "oneOnOne"), "createdDateTime": _now(), "topic":
                body.get("topic")}
        return _guarded(None, lambda _b, _c: _teams("chat", body, chat), status=201)

    @bp.post("/chats/<chat_id>/messages")
    def chat_message(chat_id: str) -> Response:
        body = request.get_json(silent=True) or {}
        sent = {"id": str(int(time.time() * 1000)), "chatId": chat_id, "messageType": "message",
                "createdDateTime": _now(), "body": body.get("body"),
                "attachments": body.get("attachments", [])}
        return _guarded(None, lambda _b, _c: _teams("chatMessage", body, sent), status=201)

    @bp.post("/users/<user>/teamwork/sendActivityNotification")
    def activity(user: str) -> Response:
        body = request.get_json(silent=True) or {}
        return _guarded(user, lambda box, _c: _teams("activity", body, None, box))

    return bp


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _teams(kind: str, body: dict[str, Any], result: dict[str, Any] | None,
           box: Mailbox | None = None) -> dict[str, Any] | None:
    _state().teams.append({"kind": kind, "path": request.path, "body": body,
                           "mailbox": box.address if box else None, "result": result,
                           "at": _now()})
    return result


def _page(folder: Any, user: str, tail: str, window: tuple[str, str] | None) -> dict[str, Any]:
    args = request.args
    raw = args.get("$skiptoken") or args.get("$deltatoken")
    token = delta.decode(raw) if raw else None
    return delta.page(_state().store, folder, token=token, args=dict(args),
                      prefer=delta.Prefer.parse(request.headers.getlist("Prefer")),
                      link_base=_link_base(user, tail), window=window)
