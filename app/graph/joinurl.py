"""The Teams meeting chat behind an event's ``onlineMeeting.joinUrl``.

A Teams meeting's join link carries the id of the meeting's chat thread
(``https://teams.microsoft.com/l/meetup-join/19%3ameeting_...%40thread.v2/0?context=...``),
and a Teams app inside that meeting reads the same id from its context (``chat.id``). That
shared id is how the meeting side panel finds the calendar event it belongs to."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

THREAD = re.compile(r"19:[^\s/@\\\"'<>]{1,200}@thread\.(?:v2|skype|tacv2)")
MAX_URL = 4000


def teams_thread_id(join_url: str | None) -> str | None:
    """The chat thread id of a Teams join link, or None when it is not one."""
    if not join_url or len(join_url) > MAX_URL:
        return None
    parts = urlsplit(join_url.strip())
    if parts.scheme != "https" or not parts.path.startswith("/l/meetup-join/"):
        return None
    segment = unquote(parts.path[len("/l/meetup-join/"):].split("/", 1)[0])
    return segment if THREAD.fullmatch(segment) else None
