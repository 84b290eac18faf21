"""Every stored text of a tenant, searched for one address: to mask it where it remains after
an erasure, and to export every row that mentions a person.

The scan walks the tables the models declare (the record's and the prep log's), so a column
added later is covered without anyone remembering to add it here.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

import app.prep.models  # noqa: F401  (registers prep_deliveries: its cards are stored text)

from .identity import mask
from .models import Base


def _text_columns(table: sa.Table) -> list[sa.Column[Any]]:
    return [c for c in table.columns if isinstance(c.type, sa.String | sa.JSON)]


def _tenant_clause(table: sa.Table, tenant_id: uuid.UUID) -> sa.ColumnElement[bool]:
    column = table.c.tenant_id if "tenant_id" in table.c else table.c.id
    return column == tenant_id


def _like(needle: str) -> str:
    escaped = needle.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _matches(table: sa.Table, column: sa.Column[Any], tenant_id: uuid.UUID,
             needle: str) -> sa.Select[Any]:
    text = sa.cast(column, sa.Text) if isinstance(column.type, sa.JSON) else column
    return sa.select(table).where(
        _tenant_clause(table, tenant_id),
        sa.func.lower(text).like(_like(needle), escape="\\"),
    )


def tables() -> Iterator[sa.Table]:
    """Every table of the schema, parents before children."""
    yield from Base.metadata.sorted_tables


def _masked(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(lambda m: mask(m.group(0)), value)
    if isinstance(value, list):
        return [_masked(v, pattern) for v in value]
    if isinstance(value, dict):
        return {_masked(k, pattern): _masked(v, pattern) for k, v in value.items()}
    return value


def mask_everywhere(session: Session, *, tenant_id: uuid.UUID, address: str) -> int:
    """Masks ``address`` (any case) in every text and JSON column of the tenant's rows; a row
    whose key holds it is deleted. Gives how many values changed."""
    session.flush()
    pattern = re.compile(re.escape(address), re.IGNORECASE)
    changed = 0
    for table in tables():
        keys = list(table.primary_key.columns)
        for column in _text_columns(table):
            for row in session.execute(
                    _matches(table, column, tenant_id, address)).mappings().all():
                where = sa.and_(*(k == row[k.name] for k in keys))
                if column.primary_key:
                    session.execute(sa.delete(table).where(where))
                else:
                    new = _masked(row[column.name], pattern)
                    session.execute(sa.update(table).where(where).values({column.name: new}))
                changed += 1
    session.expire_all()
    return changed


def plain(value: Any) -> Any:
    """A stored value as JSON can carry it."""
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def rows_mentioning(session: Session, *, tenant_id: uuid.UUID,
                    address: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of the tenant with ``address`` in one of its texts, by table."""
    found: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = {}
    for table in tables():
        keys = [k.name for k in table.primary_key.columns]
        for column in _text_columns(table):
            for row in session.execute(_matches(table, column, tenant_id, address)).mappings():
                found.setdefault(table.name, {})[tuple(row[k] for k in keys)] = {
                    name: plain(value) for name, value in row.items()}
    return {name: list(rows.values()) for name, rows in found.items()}


def rows_where(session: Session, *, tenant_id: uuid.UUID, column: str, values: set[uuid.UUID],
               only: tuple[str, ...] = ()) -> dict[str, list[dict[str, Any]]]:
    """Every row of the tenant (of the tables ``only`` names, or all) whose ``column``
    (e.g. contact_id) is one of ``values``."""
    out: dict[str, list[dict[str, Any]]] = {}
    if not values:
        return out
    for table in tables():
        if column not in table.c or (only and table.name not in only):
            continue
        rows = session.execute(sa.select(table).where(
            _tenant_clause(table, tenant_id), table.c[column].in_(values))).mappings()
        out[table.name] = [{k: plain(v) for k, v in row.items()} for row in rows]
    return {k: v for k, v in out.items() if v}
