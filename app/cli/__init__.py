"""Every ``flask --app app ...`` command, registered in one place.

``ops``: db-upgrade, tenant-add, dev-token, tenant-settings; ``sync``: sync, subscriptions,
scheduler; ``prep``: prep-cards; ``manifest``: addin-manifest; ``team_mailboxes``: team-mailbox;
``privacy``: erase, retention; ``enrol``: enrol, pause; ``data``: import-deals, export;
``doctor``: doctor. The commands call the same service and job functions as the API and the
workers.
"""

from __future__ import annotations

from flask import Flask

from . import data, doctor, enrol, manifest, ops, prep, privacy, sync, team_mailboxes


def init_app(app: Flask) -> None:
    """Adds every operator command to the app's CLI."""
    for module in (ops, prep, sync, manifest, team_mailboxes, privacy, enrol, data, doctor):
        for command in module.COMMANDS:
            app.cli.add_command(command)
