"""gunicorn's own answers (a request line past 4,094 bytes: 414, too many or too large
headers: 431, a line that is not HTTP: 400) in the one JSON error shape, like every other
error of the service. gunicorn writes them before the app sees the request; ``gunicorn.conf.py``
installs this writer in their place."""

from __future__ import annotations

import json
import socket


def write_json_error(sock: socket.socket, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's ``util.write_error``, answering ``{"error": {"code", "message"}}``."""
    from gunicorn import util

    code = reason.lower().replace(" ", "_") or "bad_request"
    body = json.dumps({"error": {"code": code, "message": (mesg or reason)[:300]}}).encode()
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
    util.write_nonblock(sock, head.encode("latin-1") + body)


def install_json_errors() -> None:
    """Makes gunicorn (master and the workers it forks) answer its own errors as JSON."""
    from gunicorn import util

    util.write_error = write_json_error
