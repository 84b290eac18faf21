"""Planner statistics that keep up with a backfill (PostgreSQL).

A fresh tenant's backfill grows the record's tables from empty to tens of thousands of rows
in minutes. PostgreSQL plans every statement, and caches the plans of the foreign-key checks
its inserts run, from the statistics of the last ``ANALYZE``: made when the tables were
nearly empty, those plans scan whole tables (the insert of a page's participants checked
each row's interaction with a scan of ``interactions``; the open commitments were read by
scanning all of the tenant's). Every statement then costs more as the table grows, and the
backfill slows down as it goes: 20,000 messages went at half the rate of 5,000. Autovacuum
analyzes a table once a tenth of it changed, but at most once a minute and only where it is
on (this machine's CI configuration turns it off).

So the sync looks, every :data:`CHECK_EVERY` pages it commits, at how much of each table it
writes changed since that table was last analyzed, and analyzes the tables that grew by half
(and by at least :data:`MIN_CHANGED` rows): a few ``ANALYZE`` runs of a fraction of a second
each over a whole backfill (each samples at most 30,000 rows). ``ANALYZE`` takes no lock
that blocks writes, and it runs after the page's commit, outside the tenant write lock.
Nothing is done on SQLite, whose planner needs no statistics for these indexed lookups.
"""

from __future__ import annotations

import logging
import threading

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

# the tables a sync page writes
TABLES = ("interactions", "participants", "interaction_mailboxes", "relationships",
          "accounts", "account_domains", "contacts", "contact_addresses", "commitments",
          "signals", "mentions", "deal_interactions")
CHECK_EVERY = 10  # committed pages between two looks at pg_stat_user_tables
MIN_CHANGED = 1_000  # rows changed since the last analyze before a table is analyzed again
GROWTH = 0.5  # ... and at least this fraction of the rows it had then

_lock = threading.Lock()
_pages = 0


def _stale(session: Session) -> list[str]:
    rows = session.execute(sa.text(
        "SELECT s.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid "
        "WHERE s.schemaname = current_schema() AND s.relname = ANY(:tables) "
        "AND s.n_mod_since_analyze >= :least "
        "AND s.n_mod_since_analyze >= :growth * greatest(c.reltuples, 0) "
        "ORDER BY s.relname"),
        {"tables": list(TABLES), "least": MIN_CHANGED, "growth": GROWTH}).all()
    return [r[0] for r in rows]


def after_page(session: Session) -> list[str]:
    """Called after a sync page is committed; every :data:`CHECK_EVERY` pages, analyzes the
    tables a backfill has grown since their last ``ANALYZE``. Gives the tables analyzed.
    Never raises: statistics are an optimisation, a failure is logged and the sync goes on."""
    global _pages
    if session.get_bind().dialect.name != "postgresql":
        return []
    with _lock:
        _pages += 1
        if _pages % CHECK_EVERY:
            return []
    try:
        stale = _stale(session)
        if stale:
            # names from the fixed list above, never from input
            session.execute(sa.text("ANALYZE " + ", ".join(stale)))
            log.info("sync: analyzed %s (grown since their last statistics)", ", ".join(stale))
        session.commit()
        return stale
    except SQLAlchemyError as err:
        session.rollback()
        log.warning("sync: could not refresh planner statistics (%s)", type(err).__name__)
        return []


__all__ = ["after_page"]
