"""Both manifests validate, every URL of the XML one is a resource id on the configured
origin, and the committed files are what the generator gives."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import validators
from lxml import etree

from app.outlook.manifest import ManifestConfig, manifest_json, manifest_xml, write_manifests

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
XSD = DATA / "office-schemas" / "xsd-patched" / "OfficeAppManifestV1_1.xsd"
TEAMS = DATA / "teams-schemas" / "teams-app-manifest"
NS = {"bt": "http://schemas.microsoft.com/office/officeappbasictypes/1.0"}


def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


@pytest.mark.parametrize("origin", ["https://localhost:3000", "https://storyline.example.net"])
def test_the_xml_manifest_validates_against_the_office_xsds(origin: str) -> None:
    doc = etree.fromstring(manifest_xml(ManifestConfig(origin=origin)).encode())
    schema = _schema()
    assert schema.validate(doc), schema.error_log


def test_every_url_is_a_resource_on_the_origin_in_one_urls_block() -> None:
    origin = "https://storyline.example.net"
    doc = etree.fromstring(manifest_xml(ManifestConfig(origin=origin)).encode())
    blocks = doc.findall(".//bt:Urls", NS)
    assert len(blocks) == 1
    urls = [u.get("DefaultValue") for u in blocks[0]]
    assert urls == [f"{origin}/taskpane/taskpane.html"]
    every = [e.get("DefaultValue") for e in doc.iter()
             if str(e.get("DefaultValue", "")).startswith("http")]
    assert every and all(u.startswith(origin + "/") for u in every)
    surfaces = {e.get("{http://www.w3.org/2001/XMLSchema-instance}type")
                for e in doc.iter("{*}ExtensionPoint")}
    assert surfaces == {"MessageReadCommandSurface", "AppointmentAttendeeCommandSurface",
                        "AppointmentOrganizerCommandSurface",
                        "MessageComposeCommandSurface", "MobileMessageReadCommandSurface"}


def test_the_read_pane_can_be_pinned_and_outlook_mobile_gets_a_button() -> None:
    doc = etree.fromstring(manifest_xml(ManifestConfig(origin="https://sl.example.net")).encode())
    xsi = "{http://www.w3.org/2001/XMLSchema-instance}type"
    pinned = {e.getparent().getparent().getparent().getparent().getparent().get(xsi)
              for e in doc.iter("{*}SupportsPinning") if e.text == "true"}
    assert pinned == {"MessageReadCommandSurface"}  # compose and meetings are not pinned
    mobile = doc.find(".//{*}MobileFormFactor")
    assert mobile is not None
    button = mobile.find(".//{*}Control")
    assert button is not None and button.get(xsi) == "MobileButton"
    images = {(i.get("size"), i.get("scale")): i.get("resid") for i in button.iter("{*}Image")}
    assert set(images) == {(str(s), str(c)) for s in (25, 32, 48) for c in (1, 2, 3)}
    files = {r.get("id"): r.get("DefaultValue") for r in doc.iter("{*}Image") if r.get("id")}
    for (size, scale), resid in images.items():  # each icon is a real file of its pixel size
        path = ROOT / "addin" / files[resid].split("https://sl.example.net/", 1)[1]
        assert path.is_file(), path
        png = path.read_bytes()
        assert int.from_bytes(png[16:20], "big") == int(size) * int(scale), path


def test_a_manifest_without_the_mobile_icons_is_refused_by_the_schema() -> None:
    xml = manifest_xml(ManifestConfig(origin="https://sl.example.net"))
    broken = xml.replace('<bt:Image size="48" scale="3" resid="Icon.144"/>', "")
    assert broken != xml
    schema = _schema()
    assert not schema.validate(etree.fromstring(broken.encode()))


def test_the_unified_manifest_declares_the_addin_the_teams_tab_and_the_side_panel() -> None:
    client_id = "3f2c1a9e-0000-4000-8000-000000000001"
    doc = manifest_json(ManifestConfig(origin="https://sl.example.net", client_id=client_id))
    schema_path = TEAMS / f"v{doc['manifestVersion']}" / "MicrosoftTeams.schema.json"
    schema = json.loads(schema_path.read_text())
    errors = list(validators.validator_for(schema)(schema).iter_errors(doc))
    assert not errors, [e.message for e in errors]
    assert doc["staticTabs"][0]["contentUrl"] == "https://sl.example.net/teams/tab"
    assert "meetingSidePanel" in doc["configurableTabs"][0]["context"]
    assert doc["configurableTabs"][0]["configurationUrl"].startswith("https://sl.example.net/teams/panel")
    runtime = doc["extensions"][0]["runtimes"][0]
    assert runtime["actions"][0]["pinnable"] is True
    contexts = {r["contexts"][0] for r in doc["extensions"][0]["ribbons"]}
    assert contexts == {"mailRead", "meetingDetailsAttendee", "meetingDetailsOrganizer",
                        "mailCompose"}
    assert doc["webApplicationInfo"]["resource"].startswith("api://sl.example.net/")


def test_the_committed_manifests_are_the_generated_ones(tmp_path: Path) -> None:
    write_manifests(ManifestConfig(), tmp_path)
    for name in ("manifest.xml", "manifest.json"):
        assert (ROOT / "addin" / name).read_text() == (tmp_path / name).read_text(), name


def test_the_cli_writes_manifests_for_an_origin_and_refuses_plain_http(app, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    out = runner.invoke(args=["addin-manifest", "--origin", "https://crm.example.org",
                              "--out", str(tmp_path)])
    assert out.exit_code == 0, out.output
    written = (tmp_path / "manifest.xml").read_text()
    assert "https://crm.example.org/taskpane/taskpane.html" in written
    refused = runner.invoke(args=["addin-manifest", "--origin", "http://crm.example.org",
                                  "--out", str(tmp_path / "x")])
    assert refused.exit_code != 0 and "https" in refused.output


def test_office_addin_manifest_validates_the_unified_manifest_offline() -> None:
    tool = ROOT / "node_modules" / ".bin" / "office-addin-manifest"
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    if not tool.exists():
        pytest.skip("office-addin-manifest is not installed: run `npm ci` at the repo root")
    done = subprocess.run([str(tool), "validate", "addin/manifest.json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_served_manifest_is_for_the_public_origin_not_the_host_header(app, client) -> None:
    app.config["STORYLINE"] = app.config["STORYLINE"].with_overrides(
        public_base_url="https://crm.example.org")
    resp = client.get("/addin/manifest.xml", base_url="https://attacker.example")
    assert resp.status_code == 200
    assert b"https://crm.example.org/taskpane/taskpane.html" in resp.data
    assert b"attacker" not in resp.data


def test_without_a_public_origin_only_localhost_gets_a_manifest(client) -> None:
    resp = client.get("/addin/manifest.xml", base_url="https://attacker.example")
    assert resp.status_code == 404
    assert resp.get_json()["error"]["code"] == "no_public_origin"
    local = client.get("/addin/manifest.xml", base_url="http://localhost:5000")
    assert local.status_code == 200 and b"http://localhost:5000/taskpane/" in local.data


def test_the_package_holds_the_unified_manifest_and_its_icons(tmp_path: Path) -> None:
    import zipfile

    done = subprocess.run([sys.executable, "scripts/package-addin", "--origin",
                           "https://crm.example.org", "--out", str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(tmp_path / "storyline-addin.zip") as zf:
        assert sorted(zf.namelist()) == ["color.png", "manifest.json", "outline.png"]
        assert json.loads(zf.read("manifest.json"))["staticTabs"][0]["contentUrl"] == (
            "https://crm.example.org/teams/tab")
    assert "https://crm.example.org/" in (tmp_path / "manifest.xml").read_text()


@pytest.mark.parametrize("client_id, warned", [(None, True),
                                               ("3f2c1a9e-0000-4000-8000-000000000001", False)])
def test_packaging_without_a_client_id_warns_that_teams_sign_in_will_not_work(
        tmp_path: Path, client_id: str | None, warned: bool) -> None:
    args = [sys.executable, "scripts/package-addin", "--origin", "https://crm.example.org",
            "--out", str(tmp_path)] + (["--client-id", client_id] if client_id else [])
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert ("Teams sign-in" in done.stderr and "will not work" in done.stderr) is warned
