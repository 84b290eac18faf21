"""Graph v1.0 JSON resources (message, event) in the shapes of Microsoft's own examples."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta

from app.dev.sample.render import Part, Who, preview, render_html, render_text


def _b64(*parts: str, n: int = 24) -> str:
    digest = hashlib.blake2b("|".join(parts).encode(), digest_size=n).digest()
    return base64.urlsafe_b64encode(digest).decode()


def _conversation_index(thread: str, key: str) -> str:
    # Edm.Binary: standard base64 with padding (22 bytes for a thread head, +5 per reply)
    replies = int(key.rsplit(":", 1)[-1]) - 1 if key.rsplit(":", 1)[-1].isdigit() else 0
    raw = hashlib.blake2b(thread.encode(), digest_size=22).digest()
    for n in range(max(replies, 0)):
        raw += hashlib.blake2b(f"{key}:{n}".encode(), digest_size=5).digest()
    return base64.b64encode(raw).decode()


def item_id(mailbox: str, key: str) -> str:
    """Gives a stable, Graph-looking REST id of an item in one mailbox (URL-safe)."""
    return "AAMkAGE" + _b64(mailbox.lower(), key, n=42)


def folder_id(mailbox: str, folder: str) -> str:
    """Gives the stable id of a well-known folder ("inbox", "sentitems") of a mailbox."""
    return "AQMkAGE" + _b64(mailbox.lower(), "folder", folder, n=30)


def conversation_id(key: str) -> str:
    """Gives the conversationId of a thread (the same in every mailbox that holds it)."""
    return "AAQkAGE" + _b64("conversation", key, n=30)


def internet_message_id(key: str, sender: str) -> str:
    """Gives an RFC 5322 Message-ID in the style of the sender's mail system."""
    domain = sender.rsplit("@", 1)[1]
    if domain in ("gmail.com",):
        return f"<CA+{_b64(key, n=27)}@mail.gmail.com>"
    if domain == "lumenfield.io" or domain.endswith("outlook.com"):
        code = _b64(key, n=12).upper().replace("-", "A").replace("_", "B")
        return f"<{code}@EU2PR09MB7021.eurprd09.prod.outlook.com>"
    return f"<{_b64(key, n=12)}.{_b64(domain, n=3)}@{domain}>"


def graph_time(d: datetime) -> str:
    """Formats an instant as Graph does for message timestamps ("2026-11-03T14:02:11Z")."""
    return d.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def event_time(d: datetime) -> dict:
    """Formats an instant as a Graph dateTimeTimeZone in UTC."""
    return {"dateTime": d.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.0000000"),
            "timeZone": "UTC"}


def recipient(a: Who) -> dict:
    """Gives a Graph recipient."""
    return {"emailAddress": {"name": a[0], "address": a[1]}}


def message_body(chain: list[Part], html: bool) -> tuple[dict, str]:
    """Gives the Graph ``body`` and ``bodyPreview`` of the newest part of a chain."""
    content = render_html(chain) if html else render_text(chain)
    return {"contentType": "html" if html else "text", "content": content}, preview(chain)


def attachment(mailbox: str, key: str, name: str, content_type: str = "application/pdf",
               size: int = 48_213) -> dict:
    """Gives a Graph ``fileAttachment`` (metadata; the stand-in never serves content)."""
    return {"@odata.type": "#microsoft.graph.fileAttachment",
            "@odata.mediaContentType": content_type, "id": _b64(mailbox, key, name, n=30),
            "lastModifiedDateTime": "2026-11-01T09:00:00Z", "name": name,
            "contentType": content_type, "size": size, "isInline": False}


def message(*, mailbox: str, folder: str, key: str, imid: str, thread: str, part: Part,
            body: dict, body_preview: str, headers: list[dict] | None = None,
            importance: str = "normal", attachments: list[str] | None = None) -> dict:
    """Gives one mailbox's copy of an email as a Graph ``message``, with attachments of
    the given names (``hasAttachments`` then true)."""
    sent = part.sent
    received = sent + timedelta(seconds=3 + len(key) % 40)
    etag_key = _b64(mailbox, key, "etag", n=18)
    resource = {
        "@odata.type": "#microsoft.graph.message",
        "@odata.etag": f'W/"{etag_key}"',
        "id": item_id(mailbox, key),
        "createdDateTime": graph_time(received),
        "lastModifiedDateTime": graph_time(received),
        "changeKey": etag_key,
        "categories": [],
        "receivedDateTime": graph_time(received),
        "sentDateTime": graph_time(sent),
        "hasAttachments": bool(attachments),
        "internetMessageId": imid,
        "subject": part.subject,
        "bodyPreview": body_preview,
        "importance": importance,
        "parentFolderId": folder_id(mailbox, folder),
        "conversationId": conversation_id(thread),
        "conversationIndex": _conversation_index(thread, key),
        "isDeliveryReceiptRequested": False,
        "isReadReceiptRequested": False,
        "isRead": folder == "sentitems" or len(key) % 3 != 0,
        "isDraft": False,
        "webLink": f"https://outlook.office365.com/owa/?ItemID={item_id(mailbox, key)}"
                   "&exvsurl=1&viewmodel=ReadMessageItem",
        "inferenceClassification": "focused" if headers is None else "other",
        "body": body,
        "sender": recipient(part.sender),
        "from": recipient(part.sender),
        "toRecipients": [recipient(a) for a in part.to],
        "ccRecipients": [recipient(a) for a in part.cc],
        "bccRecipients": [],
        "replyTo": [],
        "flag": {"flagStatus": "notFlagged"},
    }
    if folder == "inbox":
        base = [{"name": "Message-ID", "value": imid},
                {"name": "Date", "value": sent.strftime("%a, %d %b %Y %H:%M:%S +0000")},
                {"name": "MIME-Version", "value": "1.0"},
                {"name": "Content-Type", "value": "multipart/alternative; boundary=\"_000_\""}]
        resource["internetMessageHeaders"] = base + (headers or [])
    if attachments:
        resource["attachments"] = [attachment(mailbox, key, n) for n in attachments]
    return resource


def ical_uid(key: str) -> str:
    """Gives an Outlook-style iCalUId (the same in every attendee's calendar)."""
    tail = hashlib.blake2b(key.encode(), digest_size=24).hexdigest().upper()
    return "040000008200E00074C5B7101A82E00800000000" + tail
