"""The pane may be framed by Office hosts only; data and the preview page by nobody; office.js
is the only third-party script, and never in the preview."""

from __future__ import annotations


def _csp(resp) -> dict[str, str]:
    policy = resp.headers["Content-Security-Policy"]
    return {part.split()[0]: part for part in (p.strip() for p in policy.split(";")) if part}


def test_the_pane_can_be_framed_by_outlook_and_loads_office_js_from_microsoft(client) -> None:
    resp = client.get("/taskpane/taskpane.html")
    assert resp.status_code == 200
    assert b"appsforoffice.microsoft.com/lib/1/hosted/office.js" in resp.data
    csp = _csp(resp)
    assert "https://outlook.office.com" in csp["frame-ancestors"]
    assert "https://teams.microsoft.com" in csp["frame-ancestors"]
    assert "*" not in csp["frame-ancestors"].replace("https://*.", "")
    assert csp["script-src"] == "script-src 'self' https://appsforoffice.microsoft.com"
    assert "unsafe-inline" not in resp.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in resp.headers  # it cannot name several hosts


def test_the_preview_pane_uses_the_stand_in_and_only_its_own_origin(client) -> None:
    resp = client.get("/taskpane/taskpane.html?preview=1")
    assert b"office-standin.js" in resp.data and b"appsforoffice" not in resp.data
    csp = _csp(resp)
    assert csp["script-src"] == "script-src 'self'"
    assert csp["frame-ancestors"] == "frame-ancestors 'self'"


def test_with_entra_configured_the_pane_never_takes_the_stand_in(app, client) -> None:
    app.config["STORYLINE"] = app.config["STORYLINE"].with_overrides(
        entra_client_id="3f2c1a9e-0000-4000-8000-000000000001")
    resp = client.get("/taskpane/taskpane.html?preview=1")
    assert b"appsforoffice.microsoft.com" in resp.data and b"office-standin" not in resp.data
    assert client.get("/taskpane/config.json").get_json()["client_id"].startswith("3f2c1a9e")


def test_data_and_the_preview_page_are_never_framed_and_data_is_not_cached(client, auth) -> None:
    page = client.get("/")
    assert _csp(page)["frame-ancestors"] == "frame-ancestors 'none'"
    assert page.headers["X-Frame-Options"] == "DENY"
    data = client.get("/api/v1/story", query_string={"email": "nobody@example.org"},
                      headers=auth("maya@brightloop.io"))
    assert data.headers["Cache-Control"] == "no-store"
    assert data.headers["X-Frame-Options"] == "DENY"
    assert data.headers["X-Content-Type-Options"] == "nosniff"


def test_the_swagger_ui_has_a_content_security_policy(client) -> None:
    import base64
    import hashlib
    import re

    resp = client.get("/api/v1/docs/swagger/")
    assert resp.status_code == 200
    policy = resp.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    inline = re.search(r"<script>(.*?)</script>", resp.get_data(as_text=True), re.S)
    assert inline is not None
    digest = base64.b64encode(hashlib.sha256(inline.group(1).encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy
