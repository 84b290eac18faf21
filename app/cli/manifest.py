"""``flask --app app addin-manifest --origin URL``: writes both add-in manifests for an origin."""

from __future__ import annotations

from pathlib import Path

import click

from app.outlook.manifest import DEFAULT_ORIGIN, ManifestConfig, write_manifests


@click.command("addin-manifest")
@click.option("--origin", default=DEFAULT_ORIGIN, show_default=True,
              help="The https origin that serves the task pane.")
@click.option("--client-id", default=None, help="The Entra app (client) id, for SSO.")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write to (default: addin/ of the project).")
def addin_manifest(origin: str, client_id: str | None, out: Path | None) -> None:
    """Writes addin/manifest.xml and addin/manifest.json for an origin."""
    if not origin.startswith("https://"):
        raise click.BadParameter("Office loads add-ins over https only", param_hint="--origin")
    folder = out or Path(__file__).resolve().parents[2] / "addin"
    for path in write_manifests(ManifestConfig(origin=origin.rstrip("/"), client_id=client_id),
                                folder):
        click.echo(f"wrote {path}")

COMMANDS = (addin_manifest,)
