"""Where the story benchmark's data lives (a cached SQLite file, a PostgreSQL database) and how
the planned tenant gets there: SQLAlchemy Core executemany on SQLite, COPY on PostgreSQL.

Data is generated once per database and scale and reused: the last row written is a marker
in ``audit_events`` holding what the benchmark needs (addresses, the seller to sign in as).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa

from app.db import make_engine
from app.migrate import upgrade
from app.records.models import AuditEvent, Base, utcnow

from . import story_data as data

OUT = Path(__file__).resolve().parent / "out"
DATA_VERSION = 1  # bump when the generated shape changes: cached data is then rebuilt
MARKER = "bench.story_data"
PG_ADMIN = "postgresql://127.0.0.1:5432/test"


@dataclass(frozen=True)
class Dataset:
    """A generated tenant as the benchmark uses it."""

    db: str
    url: str
    tenant_id: str
    user: dict[str, str]
    heavy: list[str]
    sample: list[str]
    counts: dict[str, int]
    generated_seconds: float
    reused: bool


def sqlite_url(plan: data.Plan) -> str:
    """The cached SQLite file for a scale, under the git-ignored ``bench/out``."""
    OUT.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{OUT / f'story_{plan.label}_v{DATA_VERSION}.db'}"


def postgres_url(plan: data.Plan) -> tuple[str | None, str]:
    """The benchmark database on the local PostgreSQL (created if missing), or None and why."""
    name = "storyline_bench" if plan.scale == 1 else f"storyline_bench_{plan.label}"
    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=3, autocommit=True) as conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() \
                    is None:
                conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        return None, f"PostgreSQL not reachable at {PG_ADMIN}: {str(exc).splitlines()[0]}"
    return f"postgresql+psycopg://127.0.0.1:5432/{name}", ""


def _marker(engine: sa.Engine) -> dict[str, Any] | None:
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("audit_events"):
            return None
        details = conn.scalar(sa.select(AuditEvent.details).where(
            AuditEvent.tenant_id == data.TENANT_ID, AuditEvent.action == MARKER))
    if details is None or details.get("version") != DATA_VERSION:
        return None
    return dict(details)


def _reset(engine: sa.Engine) -> None:
    """Drops whatever a half-finished or outdated run left, then migrates to head."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        else:
            Base.metadata.drop_all(conn)
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    upgrade(engine)


def _writer(conn: sa.Connection) -> Callable[[str, list[dict[str, Any]]], None]:
    """A function writing rows to a table: COPY on PostgreSQL, executemany on SQLite."""
    tables = Base.metadata.tables
    if conn.dialect.name != "postgresql":
        def write_many(name: str, rows: list[dict[str, Any]]) -> None:
            for lo in range(0, len(rows), 10_000):
                conn.execute(tables[name].insert(), rows[lo:lo + 10_000])
        return write_many
    raw = conn.connection.driver_connection
    assert isinstance(raw, psycopg.Connection)

    def copy(name: str, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        cols = list(rows[0])
        json_cols = {c for c in cols if isinstance(tables[name].c[c].type, sa.JSON)}
        with raw.cursor() as cur, cur.copy(
                f"COPY {name} ({', '.join(cols)}) FROM STDIN") as out:
            for row in rows:
                out.write_row([json.dumps(row[c]) if c in json_cols else row[c] for c in cols])
    return copy


def _admin_engine(url: str) -> sa.Engine:
    """An engine for migrating and loading: the app's SQLite settings, but no statement
    timeout on PostgreSQL (building an index over millions of rows takes longer)."""
    if url.startswith("sqlite"):
        return make_engine(url)
    return sa.create_engine(url, connect_args={"connect_timeout": 5})


def _bulk_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # A throwaway benchmark file: trade durability for load speed while generating.
    cur = dbapi_connection.cursor()
    for pragma in ("synchronous=OFF", "cache_size=-1000000", "temp_store=MEMORY",
                   "foreign_keys=OFF"):
        cur.execute(f"PRAGMA {pragma}")
    cur.close()


def generate(url: str, plan: data.Plan, log: Callable[[str], None]) -> dict[str, Any]:
    """Writes the planned tenant to a migrated database and returns the marker details."""
    started = time.perf_counter()
    tenant = data.plan_tenant(plan)
    relationships = data.apply_rollups(tenant)
    log(f"planned {len(tenant.events):,} interactions in {time.perf_counter() - started:.0f} s")
    if url.startswith("sqlite"):
        engine = sa.create_engine(url)
        sa.event.listen(engine, "connect", _bulk_pragmas)
    else:
        engine = _admin_engine(url)
    counts: dict[str, int] = {}
    with engine.begin() as conn:
        write = _writer(conn)
        people: list[tuple[str, list[dict[str, Any]]]] = [
            ("tenants", [{"id": data.TENANT_ID, "name": "Lumenfold", "contact_policy": "sent",
                          "created_at": tenant.users[0]["created_at"]}]),
            ("tenant_domains", [{"tenant_id": data.TENANT_ID, "domain": data.TENANT_DOMAIN}]),
            ("users", tenant.users),
            ("accounts", [data.public(a) for a in tenant.accounts]),
            ("account_domains", [{"tenant_id": data.TENANT_ID, "domain": d, "account_id": a["id"]}
                                 for d, a in zip(tenant.domains, tenant.accounts, strict=True)]),
            ("contacts", [data.public(c) for c in tenant.contacts]),
            ("contact_addresses", tenant.addresses),
            ("relationships", relationships),
            ("deals", tenant.deals),
            ("deal_stage_changes", tenant.stage_changes),
        ]
        for name, rows in people:
            write(name, rows)
            counts[name] = len(rows)
    for n, chunk in enumerate(data.interaction_rows(tenant)):
        with engine.begin() as conn:
            write = _writer(conn)
            for name in ("interactions", "participants", "interaction_mailboxes",
                         "deal_interactions", "commitments", "signals"):
                write(name, chunk.get(name, []))
                counts[name] = counts.get(name, 0) + len(chunk.get(name, []))
        if n % 10 == 9:
            log(f"wrote {counts['interactions']:,} interactions "
                f"({time.perf_counter() - started:.0f} s)")
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":  # sampled statistics, as PRAGMA optimize takes
            conn.execute(sa.text("PRAGMA analysis_limit=1000"))
        conn.execute(sa.text("ANALYZE"))
    if engine.dialect.name == "postgresql":  # what autovacuum does after a bulk load
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
    user = tenant.users[0]
    ordinary = [c["_address"] for c in tenant.contacts[plan.heavy:]]
    details = {
        "version": DATA_VERSION, "scale": plan.scale, "counts": counts,
        "heavy": [tenant.contacts[h]["_address"] for h in tenant.heavy],
        "sample": tenant.rng.sample(ordinary, min(2000, len(ordinary))),
        "user": {"email": user["email"], "oid": str(user["oid"]), "name": user["display_name"]},
        "generated_at": tenant.now.isoformat(),
        "seconds": round(time.perf_counter() - started, 1),
    }
    with engine.begin() as conn:
        conn.execute(sa.insert(AuditEvent), [{
            "tenant_id": data.TENANT_ID, "id": tenant.ms_id(utcnow()), "at": utcnow(),
            "actor_user_id": None, "action": MARKER, "details": details}])
    engine.dispose()
    return details


def ensure_dataset(db: str, url: str, plan: data.Plan,
                   log: Callable[[str], None]) -> Dataset:
    """The benchmark tenant in this database, generated the first time (or when outdated)."""
    engine = _admin_engine(url)
    try:
        details = _marker(engine)
        reused = details is not None
        if details is None:
            log(f"{db}: generating the synthetic tenant ({plan.contacts:,} contacts, "
                f"{plan.interactions:,} interactions)")
            _reset(engine)
            details = generate(url, plan, log)
        else:
            upgrade(engine)  # cached data gains any index added since it was generated
    finally:
        engine.dispose()
    return Dataset(db=db, url=url, tenant_id=str(data.TENANT_ID), user=details["user"],
                   heavy=details["heavy"], sample=details["sample"], counts=details["counts"],
                   generated_seconds=details["seconds"], reused=reused)
