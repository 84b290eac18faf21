"""Who may see what: tokens are checked, and a tenant never sees another tenant's rows."""

from __future__ import annotations

import time
import uuid

import pytest

from app import extensions as context
from app.auth.local_keys import LocalSigner


def test_tenant_b_never_sees_tenant_a(client, auth, world) -> None:
    # Jonas writes to both companies; each sees only its own history with him.
    a = client.get("/api/v1/story", query_string={"email": "jonas.weber@harbourline-freight.com"},
                   headers=auth("maya@brightloop.io")).get_json()
    b = client.get("/api/v1/story", query_string={"email": "jonas.weber@harbourline-freight.com"},
                   headers=auth("lea@corvane.com")).get_json()
    a_subjects = {i["subject"] for i in a["timeline"]["items"]}
    b_subjects = {i["subject"] for i in b["timeline"]["items"]}
    assert "Corvane confidential pricing" not in a_subjects
    assert b_subjects == {"Corvane confidential pricing"}
    assert b["deals"] == [] and b["commitments"]["ours"] == []
    # Tenant A's ids are unknown in tenant B.
    resp = client.get("/api/v1/story", query_string={"contact_id": a["contact"]["id"]},
                      headers=auth("lea@corvane.com"))
    assert resp.status_code == 404
    resp = client.patch(f"/api/v1/deals/{world.deal_id}", json={"stage": "lost"},
                        headers=auth("lea@corvane.com"))
    assert resp.status_code == 404
    found = client.get("/api/v1/contacts", query_string={"q": "harbourline"},
                       headers=auth("lea@corvane.com")).get_json()
    assert [c["name"] for c in found["items"]] == ["Jonas Weber"]
    assert found["items"][0]["id"] != a["contact"]["id"]


def _other_signer(app, tmp_path) -> LocalSigner:
    signer = context.signer(app)
    return LocalSigner.load_or_create(tmp_path / "forger", signer.issuer_base, signer.audience)


@pytest.mark.parametrize("case, code", [
    ("missing", "missing_token"),
    ("not-bearer", "missing_token"),
    ("garbage", "invalid_token"),
    ("forged", "invalid_token"),
    ("expired", "token_expired"),
    ("wrong-audience", "invalid_token"),
    ("wrong-issuer", "invalid_token"),
    ("no-scope", "insufficient_scope"),
])
def test_bad_tokens_are_refused_with_401(app, client, world, tmp_path, case, code) -> None:
    signer = context.signer(app)
    maya = world.users["maya@brightloop.io"]
    claims = dict(tenant_id=maya.tenant_id, oid=maya.oid, username=maya.email)
    token = {
        "missing": None,
        "not-bearer": "Basic bWF5YTpwdw==",
        "garbage": "Bearer not.a.token",
        "forged": "Bearer " + _other_signer(app, tmp_path).mint(**claims),
        "expired": "Bearer " + signer.mint(**claims, ttl=60, now=time.time() - 3600),
        "wrong-audience": "Bearer " + LocalSigner(signer._key, signer.issuer_base,
                                                  "api://someone-else").mint(**claims),
        "wrong-issuer": "Bearer " + LocalSigner(signer._key, "https://evil.example/idp",
                                                signer.audience).mint(**claims),
        "no-scope": "Bearer " + signer.mint(**claims, scopes="User.Read"),
    }[case]
    headers = {"Authorization": token} if token else {}
    resp = client.get("/api/v1/story",
                      query_string={"email": "jonas.weber@harbourline-freight.com"},
                      headers=headers)
    assert resp.status_code == 401
    error = resp.get_json()["error"]
    assert resp.get_json() == {"error": {"code": code, "message": error["message"]}}
    assert "Jonas" not in resp.get_data(as_text=True)


def test_a_tenant_that_has_not_onboarded_is_refused(app, client, world) -> None:
    token = context.signer(app).mint(tenant_id=uuid.uuid4(), oid=uuid.uuid4(),
                                     username="someone@elsewhere.test")
    resp = client.get("/api/v1/contacts", query_string={"q": "a"},
                      headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 403
    assert resp.get_json()["error"]["code"] == "tenant_not_onboarded"


def test_dev_token_prints_a_working_token_for_the_first_seller(runner, client, world) -> None:
    result = runner.invoke(args=["dev-token"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[-1]
    resp = client.get("/api/v1/contacts", query_string={"q": "jonas"},
                      headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200


def test_dev_token_is_refused_when_entra_is_configured(tmp_path, sqlite_url) -> None:
    from app import create_app

    app = create_app({"database_url": sqlite_url, "instance_path": tmp_path,
                      "entra_client_id": "00000000-0000-0000-0000-000000000001",
                      "jwks_url": "https://127.0.0.1:9/keys"})
    result = app.test_cli_runner().invoke(args=["dev-token"])
    assert result.exit_code != 0
    assert "Entra ID is configured" in result.output
    assert app.test_client().get("/local-idp/keys").status_code == 404


def test_workers_starting_together_all_sign_with_the_one_key_on_disk(tmp_path) -> None:
    # gunicorn boots its workers at once on a fresh instance folder: if each kept a key of
    # its own, a token minted by one worker would be refused by the next.
    import threading

    start, kids = threading.Barrier(6), []

    def boot() -> None:
        start.wait()
        signer = LocalSigner.load_or_create(tmp_path, "https://127.0.0.1/local-idp", "api://x")
        kids.append(signer.jwks()["keys"][0]["kid"])

    threads = [threading.Thread(target=boot) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    on_disk = LocalSigner.load_or_create(tmp_path, "https://127.0.0.1/local-idp", "api://x")
    assert kids == [on_disk.jwks()["keys"][0]["kid"]] * 6
    assert sorted(p.name for p in tmp_path.iterdir()) == ["local-signing-key.pem"]
