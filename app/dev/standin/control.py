"""Control endpoints under ``/_standin`` (not Graph): load mail, change it, inject faults,
send notifications, mint user tokens, and read back what clients did."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from app.dev.standin.errors import GraphError, graph_error
from app.dev.standin.store import FOLDERS


def _state() -> Any:
    return current_app.extensions["standin"]


def _box(mailbox: str) -> Any:
    box = _state().store.mailbox(mailbox)
    if box is None:
        raise GraphError(404, "ErrorInvalidUser", f"No mailbox '{mailbox}'.")
    return box


def _notify(box: Any, folder: str, change: str, item_id: str) -> list[dict[str, Any]]:
    subs = _state().subscriptions
    keys = {box.address.lower(), box.oid.lower()}
    kind = "#Microsoft.Graph.Event" if folder == "calendar" else "#Microsoft.Graph.Message"
    return [subs.notify(sub, change=change, user_oid=box.oid, item_id=item_id, odata_type=kind)
            for sub in subs.matching(keys, folder) if change in sub["changeType"]]


def blueprint() -> Blueprint:
    """Gives the /_standin routes."""
    bp = Blueprint("standin_control", __name__)

    @bp.errorhandler(GraphError)
    def graph_failure(err: GraphError) -> Response:
        return err.response()

    @bp.get("/health")
    def health() -> Response:
        state = _state()
        return jsonify({"ok": True, "graph": state.graph_url, "authority": state.base_url,
                        "tenant": state.store.tenant_id, "ca": str(state.tls.ca)})

    @bp.post("/load")
    def load() -> Response:
        spec = request.get_json(silent=True) or {}
        now = datetime.fromisoformat(spec["now"]) if spec.get("now") else None
        count = _state().load_sample(now=now, seed=int(spec.get("seed", 7)),
                                     scale=float(spec.get("scale", 1.0)))
        return jsonify({"loaded": count, "mailboxes": _mailboxes()})

    @bp.get("/mailboxes")
    def mailboxes() -> Response:
        return jsonify({"value": _mailboxes()})

    @bp.post("/mailboxes")
    def add_mailboxes() -> tuple[Response, int] | Response:
        """Adds users' mailboxes (and their first items, no notifications): a benchmark's
        invented sellers beside the sample. Every entry is checked before any is added."""
        spec = request.get_json(silent=True) or {}
        wanted = spec.get("mailboxes")
        if not isinstance(wanted, list) or not wanted:
            return graph_error(400, "InvalidRequest", "Give a list of mailboxes.")
        for entry in wanted:
            if not isinstance(entry, dict) or "@" not in str(entry.get("address", "")):
                return graph_error(400, "InvalidRequest", f"Not a mailbox: {entry!r:.80}.")
            for item in entry.get("items") or ():
                if not isinstance(item, dict) or item.get("folder") not in FOLDERS:
                    return graph_error(400, "InvalidRequest", "Unknown folder in "
                                       f"{entry['address']}'s items.")
        store, items = _state().store, 0
        for entry in wanted:
            address = str(entry["address"])
            box = store.add_mailbox(address, str(entry.get("oid") or uuid.uuid5(
                uuid.NAMESPACE_URL, f"mailto:{address.lower()}")),
                str(entry.get("displayName") or address))
            for item in entry.get("items") or ():
                store.put(box, item["folder"], dict(item.get("resource") or {}))
                items += 1
        return jsonify({"added": len(wanted), "items": items}), 201

    @bp.post("/mailboxes/<mailbox>/items")
    def add_item(mailbox: str) -> tuple[Response, int] | Response:
        spec = request.get_json(silent=True) or {}
        box, folder = _box(mailbox), spec.get("folder", "inbox")
        if folder not in box.folders:
            return graph_error(400, "InvalidRequest", f"Unknown folder '{folder}'.")
        resource = _state().store.put(box, folder, dict(spec.get("resource") or {}))
        sent = _notify(box, folder, "created", resource["id"]) if spec.get("notify") else []
        return jsonify({"resource": resource, "notifications": sent}), 201

    @bp.delete("/mailboxes/<mailbox>/items/<item>")
    def delete_item(mailbox: str, item: str) -> Response:
        box = _box(mailbox)
        try:
            folder = _state().store.delete(box, item)
        except KeyError:
            return graph_error(404, "ErrorItemNotFound", "No such item.")
        sent = _notify(box, folder.name, "deleted", item) if request.args.get("notify") else []
        return jsonify({"deleted": item, "folder": folder.name, "notifications": sent})

    @bp.post("/mailboxes/<mailbox>/items/<item>/move")
    def move_item(mailbox: str, item: str) -> Response:
        box = _box(mailbox)
        destination = (request.get_json(silent=True) or {}).get("folder", "archive")
        if destination not in box.folders or destination == "calendar":
            return graph_error(400, "InvalidRequest", f"Unknown folder '{destination}'.")
        try:
            moved = _state().store.move(box, item, destination)
        except KeyError:
            return graph_error(404, "ErrorItemNotFound", "No such item.")
        return jsonify({"resource": moved})

    @bp.post("/faults")
    def set_faults() -> Response:
        _state().faults.configure(request.get_json(silent=True) or {})
        return jsonify(_state().faults.snapshot())

    @bp.delete("/faults")
    def clear_faults() -> Response:
        _state().faults.clear()
        return jsonify(_state().faults.snapshot())

    @bp.post("/expire-tokens")
    def expire_tokens() -> Response:
        spec = request.get_json(silent=True) or {}
        boxes = [_box(spec["mailbox"])] if spec.get("mailbox") else \
            list(_state().store.mailboxes.values())
        with _state().store.lock:
            for box in boxes:
                for folder in box.folders.values():
                    if not spec.get("folder") or folder.name == spec["folder"]:
                        folder.generation += 1
        return jsonify({"expired": [b.address for b in boxes]})

    @bp.post("/notify")
    def notify() -> Response:
        spec = request.get_json(silent=True) or {}
        subs = _state().subscriptions
        sub = subs.get(spec["subscriptionId"])
        if spec.get("lifecycleEvent"):
            return jsonify(subs.lifecycle(sub, spec["lifecycleEvent"]))
        owner = _box(sub["resource"].lstrip("/").split("/")[1])
        return jsonify(subs.notify(sub, change=spec.get("changeType", "created"),
                                   user_oid=owner.oid, item_id=spec.get("itemId", "")))

    @bp.post("/user-token")
    def user_token() -> Response:
        spec = request.get_json(silent=True) or {}
        box = _box(spec["user"])
        state = _state()
        token = state.idp.user_token(
            tenant=state.store.tenant_id, oid=box.oid, upn=box.address, name=box.display_name,
            audience=spec.get("audience", "api://storyline-local"),
            scopes=spec.get("scopes", ["access_as_user"]))
        return jsonify({"access_token": token})

    @bp.get("/calls")
    def calls() -> Response:
        return jsonify({"value": list(_state().faults.calls), **_state().faults.snapshot()})

    @bp.delete("/calls")
    def reset_calls() -> Response:
        faults = _state().faults
        with faults.lock:
            faults.calls.clear()
            faults.counters.clear()
            faults.max_in_flight.clear()
        return jsonify({"ok": True})

    @bp.get("/deliveries")
    def deliveries() -> Response:
        return jsonify({"value": list(_state().subscriptions.deliveries)})

    @bp.get("/teams")
    def teams() -> Response:
        return jsonify({"value": list(_state().teams)})

    return bp


def _mailboxes() -> list[dict[str, Any]]:
    return [{"address": b.address, "oid": b.oid, "displayName": b.display_name,
             "folders": {f.name: {"id": f.id, "count": sum(1 for i in f.items.values()
                                                            if i.deleted is None)}
                         for f in b.folders.values()}}
            for b in _state().store.mailboxes.values()]
