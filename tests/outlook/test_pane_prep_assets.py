"""The pane's meeting prep loads the vendored Adaptive Cards renderer from our own origin, which
the pane's Content-Security-Policy allows: no CDN, no new script host."""

from __future__ import annotations

import re
from pathlib import Path

from flask.testing import FlaskClient

PREP_JS = Path(__file__).resolve().parents[2] / "addin" / "taskpane" / "js" / "prep.js"


def constant(name: str) -> str:
    found = re.search(rf'^const {name} = "([^"]+)";', PREP_JS.read_text(encoding="utf-8"), re.M)
    assert found, name
    return found.group(1)


def test_the_renderer_the_pane_loads_is_served_from_our_origin(client: FlaskClient) -> None:
    for name, mimetype in [("RENDERER", "text/javascript"), ("RENDERER_CSS", "text/css")]:
        path = constant(name)
        assert path.startswith("/teams/static/vendor/"), path
        with client.get(path) as asset:  # closes the file send_from_directory opened
            assert asset.status_code == 200 and asset.mimetype == mimetype


def test_the_pane_policy_allows_own_scripts_and_styles_only(client: FlaskClient) -> None:
    for query in ("", "?preview=1"):
        csp = client.get(f"/taskpane/taskpane.html{query}").headers["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
        assert directives["script-src"].split()[0] == "'self'"
        assert directives["style-src"] == "'self'"  # the renderer's inline styles are CSSOM
        assert "cdn" not in directives["script-src"]
