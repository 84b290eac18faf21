"""Deals created, changed and closed through the API; imported from CSV (a bad file is refused
line by line and nothing is written); the record exported as CSV and a contact as a vCard."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import extensions as context
from app.auth.tokens import ADMIN_ROLE
from app.records.models import Deal, DealStageChange
from tests.world import JONAS, MAYA, TENANT_A, TOM

ADMIN = {"roles": (ADMIN_ROLE,)}


def _deals(app) -> dict[str, Deal]:
    with context.database(app).sessionmaker() as s:
        return {d.name: d for d in s.scalars(sa.select(Deal).where(Deal.tenant_id == TENANT_A))}


def test_a_seller_creates_a_deal_they_own_and_closes_it_as_won(client, auth, world) -> None:
    h = auth(MAYA[1])
    made = client.post("/api/v1/deals", headers=h, json={
        "account_domain": "harbourline-freight.com", "name": "Harbourline spares",
        "amount": "12500.00", "currency": "eur", "close_date": "2027-01-31"})
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["stage"] == "lead" and body["amount"] == "12500.00" and body["currency"] == "EUR"
    closed = client.post(f"/api/v1/deals/{body['id']}/close", headers=h,
                         json={"outcome": "won"})
    assert closed.status_code == 200 and closed.get_json()["stage"] == "won"
    story = client.get("/api/v1/story", query_string={"email": JONAS[1]}, headers=h).get_json()
    spares = next(d for d in story["deals"] if d["name"] == "Harbourline spares")
    assert [x["to"] for x in spares["stage_history"]] == ["lead", "won"]


def test_only_the_owner_or_an_admin_changes_a_deals_terms(app, client, auth, world) -> None:
    other = client.patch(f"/api/v1/deals/{world.deal_id}", headers=auth(TOM[1]),
                         json={"amount": 1})
    assert other.status_code == 403
    assert other.get_json()["error"]["code"] == "not_deal_owner"
    assert client.post(f"/api/v1/deals/{world.deal_id}/close", headers=auth(TOM[1]),
                       json={"outcome": "lost"}).status_code == 403
    owner = client.patch(f"/api/v1/deals/{world.deal_id}", headers=auth(MAYA[1]),
                         json={"amount": "90000", "name": "Harbourline fleet rollout (EU)"})
    assert owner.status_code == 200 and owner.get_json()["amount"] == "90000.00"
    admin = client.patch(f"/api/v1/deals/{world.deal_id}", headers=auth(TOM[1], **ADMIN),
                         json={"owner_email": TOM[1]})
    assert admin.status_code == 200
    assert _deals(app)["Harbourline fleet rollout (EU)"].owner_user_id == world.users[TOM[1]].id
    # any seller still moves the stage from the pane
    assert client.patch(f"/api/v1/deals/{world.deal_id}", headers=auth(MAYA[1]),
                        json={"stage": "negotiation"}).status_code == 200


def test_a_seller_cannot_create_a_deal_for_someone_else(client, auth, world) -> None:
    resp = client.post("/api/v1/deals", headers=auth(TOM[1]), json={
        "account_domain": "harbourline-freight.com", "name": "Not mine",
        "owner_email": MAYA[1]})
    assert resp.status_code == 403


GOOD = "\n".join([
    "account_domain,name,stage,amount,currency,close_date,owner_email",
    "harbourline-freight.com,Harbourline fleet rollout,negotiation,80000,EUR,2027-02-28,"
    "maya@brightloop.io",
    'northwind-pumps.example,Northwind pilot,qualified,"4,500.50",usd,,tom@brightloop.io',
    ""])

BAD = """account_domain,name,stage,amount,currency,close_date,owner_email
northwind-pumps.example,Northwind pilot,qualified,4500,USD,,
gmail.com,Someone's deal,lead,,,,
acme.example,,won,,,,
acme.example,Acme renewal,signed,ten,EURO,31/01/2027,nobody@brightloop.io
"""


def test_a_bad_import_is_refused_line_by_line_and_writes_nothing(app, runner, world,
                                                                  tmp_path: Path) -> None:
    before = _deals(app)
    path = tmp_path / "deals.csv"
    path.write_text(BAD, encoding="utf-8")
    result = runner.invoke(args=["import-deals", str(path), "--tenant-id", str(TENANT_A)])
    assert result.exit_code == 1
    out = result.output
    assert "line 2" not in out  # the good line is not reported
    assert "line 3: account_domain: gmail.com is a free-mail domain" in out
    assert "line 4: name: empty" in out
    assert "line 5: stage: 'signed' is not one of" in out
    for field in ("amount: 'ten'", "currency: 'EURO'", "close_date: '31/01/2027'",
                  "owner_email: nobody@brightloop.io"):
        assert field in out
    assert "3 bad line(s); nothing was imported" in out
    assert _deals(app).keys() == before.keys()


def test_a_good_import_creates_and_updates_and_a_dry_run_writes_nothing(
        app, runner, world, tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    path.write_text(GOOD, encoding="utf-8")
    dry = runner.invoke(args=["import-deals", str(path), "--dry-run", "--tenant-id", str(TENANT_A)])
    assert dry.exit_code == 0, dry.output
    assert "would create 1 deal(s), would update 1 (dry run: nothing written)" in dry.output
    assert "Northwind pilot" not in _deals(app)
    real = runner.invoke(args=["import-deals", str(path), "--tenant-id", str(TENANT_A)])
    assert real.exit_code == 0, real.output
    assert "created 1 deal(s), updated 1" in real.output
    deals = _deals(app)
    assert str(deals["Northwind pilot"].amount) == "4500.50"
    assert deals["Harbourline fleet rollout"].stage == "negotiation"
    with context.database(app).sessionmaker() as s:
        history = s.scalars(sa.select(DealStageChange.to_stage).where(
            DealStageChange.deal_id == world.deal_id).order_by(DealStageChange.changed_at))
        assert list(history)[-1] == "negotiation"
    again = runner.invoke(args=["import-deals", str(path), "--tenant-id", str(TENANT_A)])
    assert "created 0 deal(s), updated 2" in again.output  # importing twice doubles nothing


@pytest.mark.parametrize("what,columns", [
    ("accounts", ["id", "name", "domain", "interactions", "last_activity_at"]),
    ("contacts", ["id", "name", "emails", "title", "phone", "company", "account",
                  "interactions", "last_activity_at"]),
    ("deals", ["account_domain", "name", "stage", "amount", "currency", "close_date",
               "owner_email", "id", "stage_changed_at", "created_at"]),
    ("commitments", ["id", "kind", "side", "action", "due_on", "status", "owner_email",
                     "contact_email", "created_at", "completed_at"]),
])
def test_an_admin_exports_the_record_as_csv(client, auth, world, what, columns) -> None:
    assert client.get(f"/api/v1/export/{what}.csv", headers=auth(MAYA[1])).status_code == 403
    resp = client.get(f"/api/v1/export/{what}.csv", headers=auth(MAYA[1], **ADMIN))
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True))))
    assert rows[0] == columns and len(rows) > 1
    text = resp.get_data(as_text=True)
    assert "corvane" not in text.lower()  # the other tenant's record never leaves with it


def test_the_deals_export_imports_back_unchanged(app, client, auth, runner, world,
                                                 tmp_path: Path) -> None:
    exported = client.get("/api/v1/export/deals.csv", headers=auth(MAYA[1], **ADMIN))
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    path = tmp_path / "back.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["account_domain", "name", "stage", "amount",
                                                "currency", "close_date", "owner_email"])
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row[k] for k in writer.fieldnames})
    result = runner.invoke(args=["import-deals", str(path), "--tenant-id", str(TENANT_A)])
    assert result.exit_code == 0, result.output
    assert f"created 0 deal(s), updated {len(rows)}" in result.output


def test_a_contact_downloads_as_a_vcard(app, client, auth, world) -> None:
    with context.database(app).sessionmaker() as s:
        contact_id = world.contact_id(s, TENANT_A, JONAS[1])
    resp = client.get(f"/api/v1/contacts/{contact_id}/vcard", headers=auth(MAYA[1]))
    assert resp.status_code == 200 and resp.mimetype == "text/vcard"
    card = resp.get_data(as_text=True)
    assert card.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n") and card.endswith("END:VCARD\r\n")
    assert f"EMAIL;TYPE=INTERNET,PREF:{JONAS[1]}" in card
    other = client.get(f"/api/v1/contacts/{contact_id}/vcard",
                       headers=auth("lea@corvane.com"))
    assert other.status_code == 404
