"""Delta rounds as Graph runs them: a snapshot paged with ``$skiptoken``, then a
``$deltatoken`` that returns only what changed since, with ``@removed`` for deletions.

Tokens are opaque to clients (base64url JSON here) and carry the round's whole state, so a
next link needs no server-side session; a token of an older folder generation is gone (410).
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from app.dev.standin.errors import GraphError
from app.dev.standin.store import Folder, Item, Store

DEFAULT_PAGE = 10
MAX_PAGE = 1000
ALWAYS = ("@odata.type", "@odata.etag", "id")
FILTER = re.compile(r"^\s*receivedDateTime\s+ge\s+(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)", re.I)


def encode(state: dict[str, Any]) -> str:
    """Gives an opaque token for a round's state."""
    raw = json.dumps(state, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(token: str) -> dict[str, Any]:
    """Reads a token; a malformed one is answered as Graph does (400)."""
    try:
        return json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (ValueError, json.JSONDecodeError) as exc:
        raise GraphError(400, "ErrorInvalidUrlQuery", "The delta token is malformed.") from exc


@dataclass(frozen=True)
class Prefer:
    """The Prefer header values the stand-in honours."""

    page_size: int | None = None
    body_type: str | None = None

    @classmethod
    def parse(cls, values: list[str]) -> Prefer:
        """Reads ``odata.maxpagesize=N`` and ``outlook.body-content-type="text"``."""
        size, body = None, None
        for value in ",".join(values).split(","):
            name, _, arg = value.strip().partition("=")
            if name.lower() == "odata.maxpagesize" and arg.strip().isdigit():
                size = max(1, min(MAX_PAGE, int(arg)))
            elif name.lower() == "outlook.body-content-type":
                body = arg.strip().strip('"').lower()
        return cls(size, body if body in ("text", "html") else None)

    def applied(self) -> str:
        """The Preference-Applied header value."""
        parts = [f"odata.maxpagesize={self.page_size}"] if self.page_size else []
        parts += [f'outlook.body-content-type="{self.body_type}"'] if self.body_type else []
        return ", ".join(parts)


_DROP = re.compile(r"<(head|style|script)\b.*?</\1>", re.S | re.I)
_BREAK = re.compile(r"<br\s*/?>|</p>|</div>|</tr>|</h\d>", re.I)


def html_to_text(content: str) -> str:
    """Converts an HTML body to text roughly as Exchange does for body-content-type=text."""
    text = _BREAK.sub("\n", _DROP.sub("", content))
    text = html.unescape(re.sub(r"<[^>]+>", "", text)).replace("\xa0", " ")
    return re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+\n", "\n", text)).strip() + "\r\n"


def text_to_html(content: str) -> str:
    """Wraps a text body in HTML as Exchange does for body-content-type=html."""
    body = html.escape(content).replace("\r\n", "\n").replace("\n", "<br>\r\n")
    return ('<html><head>\r\n<meta http-equiv="Content-Type" content="text/html; '
            f'charset=utf-8"></head><body><div>{body}</div></body></html>')


def render(item: Item, *, select: list[str] | None, body_type: str | None,
           removed: bool, odata_type: str) -> dict[str, Any]:
    """Gives one item as a delta entry (projected by ``$select``; ``@removed`` if gone)."""
    if removed:
        return {"@odata.type": odata_type, "id": item.id, "@removed": {"reason": "deleted"}}
    resource = item.resource()
    resource.pop("attachments", None)  # a navigation property: only its own route gives it
    if select:
        resource = {k: v for k, v in resource.items() if k in ALWAYS or k in select}
    elif odata_type.endswith("message"):
        resource.pop("internetMessageHeaders", None)  # Graph sends it only when selected
    body = resource.get("body")
    if body_type and body and body.get("contentType") != body_type:
        convert = html_to_text if body_type == "text" else text_to_html
        resource["body"] = {"contentType": body_type, "content": convert(body["content"])}
    return resource


def page(store: Store, folder: Folder, *, token: dict[str, Any] | None, args: dict[str, str],
         prefer: Prefer, link_base: str, window: tuple[str, str] | None) -> dict[str, Any]:
    """Gives one delta page (value plus nextLink or deltaLink) and validates the token."""
    if token is not None and (token.get("f") != folder.id or token.get("g") != folder.generation):
        raise GraphError(410, "syncStateNotFound", "The sync state generation is not found. "
                         "The delta token is expired and data must be synchronized again.",
                         {"Location": link_base})
    if token is None:
        select = [s.strip() for s in args.get("$select", "").split(",") if s.strip()]
        since = ""
        if args.get("$filter"):
            match = FILTER.match(args["$filter"])
            if not match:
                raise GraphError(400, "ErrorInvalidUrlQueryFilter", "The query filter "
                                 "contains one or more invalid nodes.")
            since = match.group(1)
        desc = "desc" in args.get("$orderby", "").lower()
        top = args.get("$top", "")
        token = {"k": "init", "a": 0, "u": store.seq, "o": 0, "s": select, "fl": since,
                 "d": desc, "t": int(top) if top.isdigit() else None, "w": window}
    elif token.get("k") == "next":
        token = dict(token, k="delta", a=token["u"], u=store.seq, o=0)
    size = prefer.page_size or token.get("t") or DEFAULT_PAGE
    win = token.get("w")
    if token["k"] == "init":
        items = store.listing(folder, at=token["u"], since=token["fl"], desc=token["d"])
    else:
        items = store.changes(folder, after=token["a"], upto=token["u"])
    if win:
        items = [i for i in items if i.deleted is not None
                 or (i.sort_key < win[1] and i.end_key > win[0])]
    chosen = items[token["o"]: token["o"] + size]
    odata_type = "#microsoft.graph.event" if folder.name == "calendar" else \
        "#microsoft.graph.message"
    value = [render(i, select=token["s"], body_type=prefer.body_type, odata_type=odata_type,
                    removed=i.deleted is not None and token["k"] == "delta") for i in chosen]
    state = dict(token, f=folder.id, g=folder.generation)
    collection = "event" if folder.name == "calendar" else "message"
    out: dict[str, Any] = {"@odata.context": f"{link_base.split('/users/')[0]}/$metadata"
                           f"#Collection({collection})"}
    if token["o"] + size < len(items):
        out["@odata.nextLink"] = f"{link_base}?$skiptoken=" + quote(
            encode(dict(state, o=token["o"] + size)))
    else:
        out["@odata.deltaLink"] = f"{link_base}?$deltatoken=" + quote(
            encode(dict(state, k="next", o=0)))
    out["value"] = value
    return out


_MESSAGE_ID = re.compile(r"^\s*internetMessageId\s+eq\s+'((?:[^']|'')*)'\s*$", re.I)


def message_id_filter(raw: str) -> str:
    """The id of ``internetMessageId eq '...'``; any other filter is refused as Graph would
    refuse one it cannot run."""
    match = _MESSAGE_ID.match(raw)
    if not match:
        raise GraphError(400, "ErrorInvalidUrlQueryFilter", "The query filter contains one "
                         "or more invalid nodes.")
    return match.group(1).replace("''", "'")


def messages_with_id(store: Store, box: Any, args: Mapping[str, str]) -> list[dict[str, Any]]:
    """``GET /users/{id}/messages?$filter=internetMessageId eq '...'``: the mailbox's live
    messages with that id, in any mail folder (where a moved or archived message went)."""
    wanted = message_id_filter(args.get("$filter", ""))
    select = [s for s in args.get("$select", "").split(",") if s]
    value = []
    with store.lock:
        for folder in box.folders.values():
            if folder.name == "calendar":
                continue
            for found in folder.items.values():
                if found.deleted is None and found.resource().get("internetMessageId") == wanted:
                    value.append(render(found, select=select, body_type=None, removed=False,
                                        odata_type="#microsoft.graph.message"))
    return value


ATTACHMENT_PROPERTIES = ("id", "name", "contentType", "size", "isInline",
                         "lastModifiedDateTime")


def attachments(item: Item, args: Mapping[str, str]) -> dict[str, Any]:
    """``GET /users/{id}/messages/{id}/attachments``: the message's attachments (``$select``
    honoured, an unknown property refused as Graph refuses it), never their content here."""
    select = [s.strip() for s in args.get("$select", "").split(",") if s.strip()]
    unknown = [s for s in select if s not in ATTACHMENT_PROPERTIES and s != "contentBytes"]
    if unknown:
        raise GraphError(400, "RequestBroker--ParseUri", f"Could not find a property named "
                         f"'{unknown[0]}' on type 'microsoft.graph.attachment'.")
    value = []
    for found in item.resource().get("attachments") or ():
        entry = {k: v for k, v in found.items() if k in ("@odata.type", "@odata.mediaContentType")
                 or k in ALWAYS or not select or k in select}
        value.append(entry)
    return {"value": value}
