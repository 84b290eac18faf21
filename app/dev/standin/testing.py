"""Helpers for tests and scripts: start the stand-in in a background thread, talk to its
control endpoints, and receive webhooks (an http endpoint that answers the handshake)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import requests
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

from app.dev.standin.server import RunningStandIn, _QuietHandler, start

TIMEOUT = 10.0


@contextmanager
def running_standin(*, now: datetime | None = None, scale: float = 1.0,
                    **options: Any) -> Iterator[RunningStandIn]:
    """Runs a stand-in with the sample loaded on a free loopback port, stopped on exit.

    Yields a :class:`RunningStandIn`: ``.graph_url``, ``.base_url`` (authority host),
    ``.authority`` (host + tenant), ``.ca_path`` and ``.state`` (the live server state).
    """
    running = start(now=now, scale=scale, **options)
    try:
        yield running
    finally:
        running.stop()


def control_session(running: RunningStandIn) -> requests.Session:
    """A requests session that trusts the stand-in's CA and ignores the environment."""
    session = requests.Session()
    session.trust_env = False
    session.verify = str(running.ca_path)
    return session


def control(running: RunningStandIn, method: str, path: str, **kwargs: Any) -> Any:
    """Calls a ``/_standin`` endpoint and gives its JSON (raises on an HTTP error)."""
    with control_session(running) as session:
        answer = session.request(method, f"{running.base_url}/_standin{path}",
                                 timeout=TIMEOUT, **kwargs)
        answer.raise_for_status()
        return answer.json()


@dataclass
class WebhookReceiver:
    """A notification endpoint: answers the validation handshake and keeps what arrives."""

    url: str = ""
    echo: bool = True  # False: answer the handshake wrongly, to see it refused
    received: list[dict[str, Any]] = field(default_factory=list)
    validations: list[str] = field(default_factory=list)
    event: threading.Event = field(default_factory=threading.Event)

    def __call__(self, environ: dict, start_response: Any) -> Any:
        request = Request(environ)
        token = request.args.get("validationToken")
        if token is not None:
            self.validations.append(token)
            body = token if self.echo else "nope"
            return Response(body, content_type="text/plain")(environ, start_response)
        self.received.append(json.loads(request.get_data() or b"{}"))
        self.event.set()
        return Response(status=202)(environ, start_response)


@contextmanager
def webhook_receiver() -> Iterator[WebhookReceiver]:
    """Serves a :class:`WebhookReceiver` on a free loopback port (plain http)."""
    receiver = WebhookReceiver()
    server: BaseWSGIServer = make_server("127.0.0.1", 0, receiver, threaded=True,
                                         request_handler=_QuietHandler)
    receiver.url = f"http://127.0.0.1:{server.server_port}/notifications"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
