"""The stand-in server: one Flask app with Graph (/v1.0), the identity provider (Entra's
paths) and the control endpoints (/_standin), served over https on loopback."""

from __future__ import annotations

import tempfile
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from app.dev.sample import build
from app.dev.sample.cast import SELLERS, TENANT_ID
from app.dev.sample.team import TEAM_MAILBOXES
from app.dev.standin import control, graph_api, idp
from app.dev.standin.certs import TlsFiles, make_tls
from app.dev.standin.faults import Faults
from app.dev.standin.store import Store
from app.dev.standin.subscriptions import Subscriptions


@dataclass
class StandIn:
    """Everything the stand-in knows; one per server."""

    tls: TlsFiles
    base_url: str = ""
    require_auth: bool = True
    store: Store = field(default_factory=Store)
    faults: Faults = field(default_factory=Faults)
    idp: idp.Idp = field(default_factory=idp.Idp)
    subscriptions: Subscriptions = field(default_factory=Subscriptions)
    teams: list[dict[str, Any]] = field(default_factory=list)

    @property
    def graph_url(self) -> str:
        """The Graph base URL clients set as ``adapter.base_url``."""
        return f"{self.base_url}/v1.0"

    @property
    def tenant_id(self) -> str:
        """The sample tenant's id."""
        return str(TENANT_ID)

    @property
    def authority(self) -> str:
        """The msal authority for the sample tenant."""
        return f"{self.base_url}/{self.tenant_id}"

    def set_base_url(self, url: str) -> None:
        """Names where the server listens (issuer, links and discovery depend on it)."""
        self.base_url = url.rstrip("/")
        self.idp.base_url = self.base_url
        self.subscriptions.verify = str(self.tls.ca)

    def load_sample(self, *, now: datetime | None = None, seed: int = 7,
                    scale: float = 1.0) -> int:
        """Replaces every mailbox with the sample company's; gives the number of items."""
        store = Store()
        store.tenant_id = str(TENANT_ID)
        for seller in (*SELLERS, *TEAM_MAILBOXES):
            store.add_mailbox(seller.email, str(seller.oid), seller.display_name)
        count = store.load(build.iter_sample_items(now, seed=seed, scale=scale))
        self.store = store
        self.subscriptions.tenant_id = store.tenant_id
        return count


def create_app(state: StandIn) -> Flask:
    """Builds the stand-in's WSGI app around ``state``."""
    app = Flask("storyline-standin")
    app.extensions["standin"] = state
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.register_blueprint(graph_api.blueprint(), url_prefix="/v1.0")
    app.register_blueprint(control.blueprint(), url_prefix="/_standin")
    app.register_blueprint(idp.blueprint())
    return app


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Skips the per-request access log line (the call log keeps requests)."""


@dataclass
class RunningStandIn:
    """A started stand-in: where it is and how to stop it."""

    state: StandIn
    server: BaseWSGIServer
    thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """``https://127.0.0.1:PORT``: the authority host and control root."""
        return self.state.base_url

    @property
    def graph_url(self) -> str:
        """``https://127.0.0.1:PORT/v1.0``."""
        return self.state.graph_url

    @property
    def authority(self) -> str:
        """``https://127.0.0.1:PORT/<tenant id>``, for msal."""
        return self.state.authority

    @property
    def ca_path(self) -> Path:
        """The CA bundle that verifies the server's certificate."""
        return self.state.tls.ca

    def stop(self) -> None:
        """Stops serving and closes the socket."""
        self.server.shutdown()
        self.server.server_close()
        if self.thread is not None:
            self.thread.join(timeout=10)


def start(*, host: str = "127.0.0.1", port: int = 0, sample: bool = True,
          tls_dir: Path | None = None, quiet: bool = True, require_auth: bool = True,
          clients: dict[str, str] | None = None, now: datetime | None = None,
          scale: float = 1.0, seed: int = 7, background: bool = True) -> RunningStandIn:
    """Starts the stand-in (on a free port when ``port`` is 0), serving in a thread.

    With ``background=False`` the caller serves it: ``running.server.serve_forever()``.
    """
    directory = tls_dir or Path(tempfile.mkdtemp(prefix="storyline-standin-"))
    state = StandIn(tls=make_tls(directory), require_auth=require_auth)
    state.idp.clients = dict(clients or {})
    server = make_server(host, port, create_app(state), threaded=True,
                         ssl_context=state.tls.server_context(),
                         request_handler=_QuietHandler if quiet else WSGIRequestHandler)
    server.daemon_threads = True  # type: ignore[attr-defined]  # ThreadingMixIn's flag
    state.set_base_url(f"https://{host}:{server.server_port}")
    if sample:
        state.load_sample(now=now, scale=scale, seed=seed)
    running = RunningStandIn(state, server)
    if background:
        running.thread = threading.Thread(target=server.serve_forever, name="standin",
                                          kwargs={"poll_interval": 0.1}, daemon=True)
        running.thread.start()
    return running
