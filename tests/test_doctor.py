"""``flask --app app doctor`` on a configuration pointed at the Graph stand-in: what is right
passes, and each thing that is wrong is named with what to do."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from app import extensions as context
from app import migrate
from app.dev import create_app
from app.dev.sample.cast import INTERNAL_DOMAIN, TENANT_ID, TENANT_NAME
from app.dev.standin.testing import running_standin
from app.records.tenants import ensure_tenant


@pytest.fixture
def standin() -> Iterator[Any]:
    """A Graph and identity stand-in (no sample mail needed)."""
    with running_standin(scale=0.05) as running:
        yield running


def _app(tmp_path: Path, standin: Any, **overrides: Any) -> Any:
    settings = {"database_url": f"sqlite:///{tmp_path / 'doctor.db'}",
                "instance_path": tmp_path, "graph_base_url": standin.graph_url,
                "graph_authority_host": standin.base_url, "graph_client_id": "storyline",
                "graph_client_secret": "s3cret", "graph_ca_bundle": str(standin.ca_path),
                "entra_client_id": "7d3c5b2a-0000-4000-8000-000000000001",
                "entra_client_secret": "s3cret"} | overrides
    return create_app(settings)


def _onboard(app: Any) -> None:
    db = context.database(app)
    migrate.upgrade(db.engine)
    with db.session() as s:
        ensure_tenant(s, tenant_id=TENANT_ID, name=TENANT_NAME, domains=[INTERNAL_DOMAIN])


def test_a_sound_configuration_passes_every_check(tmp_path: Path, standin: Any) -> None:
    # our app served over https on loopback, with a certificate from the stand-in's CA
    web = _app(tmp_path, standin)
    server = make_server("127.0.0.1", 0, web, threaded=True,
                         ssl_context=standin.state.tls.server_context())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        app = _app(tmp_path, standin, public_base_url=f"https://127.0.0.1:{server.server_port}")
        _onboard(app)
        result = app.test_cli_runner().invoke(args=["doctor"])
    finally:
        server.shutdown()
        server.server_close()
    out = result.output
    assert "ok   database                 reachable, at 0" in out
    assert f"ok   Graph token {TENANT_ID}" in out
    for permission in ("Mail.Read", "Calendars.Read", "TeamsActivity.Send"):
        assert f"ok     {permission}" in out
    assert "warn broker setting" in out  # no broker: jobs inline, said, not failed
    assert "ok   webhook URL" in out and "echoes the validation token" in out, out
    assert result.exit_code == 0 and out.rstrip().endswith("all checks passed"), out


def test_each_problem_is_named_with_what_to_do(tmp_path: Path, standin: Any) -> None:
    app = _app(tmp_path, standin, public_base_url="http://storyline.example.net",
               broker_url="redis://127.0.0.1:1/0")
    result = app.test_cli_runner().invoke(args=["doctor", "--tenant-id", str(TENANT_ID)])
    out = result.output
    assert result.exit_code == 1
    assert "FAIL public URL               http://storyline.example.net is not https" in out
    assert "FAIL database                 at no schema" in out and "db-upgrade" in out
    assert "FAIL broker" in out
    assert "Error: 3 problem(s): public URL; database; broker" in out
