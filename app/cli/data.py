"""Data in and out: ``flask --app app import-deals FILE [--dry-run]`` and
``flask --app app export WHAT [--out FILE]`` (accounts, contacts, deals, commitments)."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from app import extensions as ctx
from app.errors import StorylineError
from app.records.deals import CSV_COLUMNS, import_deals_csv
from app.records.exports import EXPORTS, export_csv
from app.records.models import Tenant


def _tenant(session: sa.orm.Session, tenant_id: uuid.UUID | None) -> uuid.UUID:
    if tenant_id is not None:
        if session.get(Tenant, tenant_id) is None:
            raise click.ClickException(f"no tenant {tenant_id}")
        return tenant_id
    ids = list(session.scalars(sa.select(Tenant.id).limit(2)))
    if len(ids) != 1:
        raise click.ClickException("give --tenant-id (there is not exactly one tenant)")
    return ids[0]


@click.command("import-deals")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--tenant-id", type=click.UUID, default=None,
              help="The Entra directory id (default: the only tenant).")
@click.option("--dry-run", is_flag=True, help="Check every line and report; write nothing.")
@with_appcontext
def import_deals(file: Path, tenant_id: uuid.UUID | None, dry_run: bool) -> None:
    """Imports deals from CSV (header: account_domain,name,stage,amount,currency,close_date,
    owner_email). A deal of the same name on the same account is updated. If any line is
    bad, each is reported and nothing is written."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise click.ClickException(f"{file} is not UTF-8 text ({err.reason} at byte "
                                   f"{err.start}); save it as CSV UTF-8") from err
    with ctx.database().session() as session:
        tid = _tenant(session, tenant_id)
        try:
            report = import_deals_csv(session, tenant_id=tid, text=text, dry_run=dry_run)
        except StorylineError as err:
            raise click.ClickException(err.message) from err
        if not report.ok:
            session.rollback()
    for problem in report.problems:
        click.echo(f"{file.name}: {problem}")
    if not report.ok:
        raise click.ClickException(
            f"{len(report.problems)} bad line(s); nothing was imported "
            f"(columns: {','.join(CSV_COLUMNS)})")
    verb = "would create" if dry_run else "created"
    click.echo(f"{verb} {report.created} deal(s), "
               f"{'would update' if dry_run else 'updated'} {report.updated}"
               + (" (dry run: nothing written)" if dry_run else ""))


@click.command("export")
@click.argument("what", type=click.Choice(EXPORTS))
@click.option("--tenant-id", type=click.UUID, default=None,
              help="The Entra directory id (default: the only tenant).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write here (default: standard output).")
@with_appcontext
def export(what: str, tenant_id: uuid.UUID | None, out: Path | None) -> None:
    """Writes the tenant's accounts, contacts, deals or commitments as CSV (the deals'
    columns come back in through import-deals)."""
    with ctx.database().sessionmaker() as session:
        tid = _tenant(session, tenant_id)
        rows = 0
        if out is None:
            for chunk in export_csv(session, tenant_id=tid, what=what):
                sys.stdout.write(chunk)
                rows += 1
        else:
            with out.open("w", encoding="utf-8", newline="") as fh:
                for chunk in export_csv(session, tenant_id=tid, what=what):
                    fh.write(chunk)
                    rows += 1
            click.echo(f"wrote {rows - 1} {what} to {out}", err=True)


COMMANDS = (import_deals, export)
