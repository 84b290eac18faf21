"""``flask --app app.dev load-sample``: the invented sample company, through the stand-in."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from app import extensions as context


@click.command("load-sample")
@with_appcontext
@click.option("--reset/--no-reset", default=True, help="Start from an empty sample tenant.")
@click.option("--extract/--no-extract", default=True, show_default=True,
              help="Run commitment and signal extraction on the mail.")
def load_sample(reset: bool, extract: bool) -> None:
    """Loads the invented sample company through the local Graph stand-in and the real sync."""
    from tqdm import tqdm

    from app.dev.demo import load_sample_company

    with tqdm(desc="sample mail", unit=" items", dynamic_ncols=True) as bar:
        summary = load_sample_company(context.settings(), context.database(), reset=reset,
                                      extract=extract, progress=bar.update)
    click.echo(", ".join(f"{k}: {v}" for k, v in summary.items()))
