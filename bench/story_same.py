"""Writes the story JSON of many addresses on the story benchmark's tenant, as several
sellers see them, at a fixed ``now``: run it on two checkouts and compare the files byte for
byte (a change to how the story is read must not change what it says).

    python -m bench.story_same --db postgres --out /tmp/after.jsonl
    cmp /tmp/before.jsonl /tmp/after.jsonl

Addresses: the five heavy contacts, ``--ordinary`` ordinary ones and ``--domains`` addresses
nobody has at accounts' domains (account-only stories); each as ``--sellers`` sellers see it,
page 1, and page 3 of the heavy ones. The stories are built as the story view builds them
(read in autocommit, the viewer's rule, the same encoder), at ``--now``.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import tempfile
import uuid
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from app import extensions as context
from app.dev import create_app
from app.records.models import Account, AccountDomain, User
from app.records.story import StoryQuery, read_only
from app.records.story_types import to_json

from . import story_bench as bench
from . import story_data as data
from . import story_db as store


def main(argv: list[str] | None = None) -> None:
    """Writes one line per story: seller, address, page, sha256 and the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="postgres", choices=("postgres", "sqlite"))
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--ordinary", type=int, default=60)
    parser.add_argument("--domains", type=int, default=20)
    parser.add_argument("--sellers", type=int, default=4)
    parser.add_argument("--now", default="2026-12-01T12:00:00+00:00")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    plan = data.Plan(scale=args.scale)
    if args.db == "sqlite":
        url: str | None = store.sqlite_url(plan)
    else:
        url, reason = store.postgres_url(plan)
        if url is None:
            raise SystemExit(reason)
    ds = store.ensure_dataset(args.db, url, plan, bench.log)
    now = datetime.fromisoformat(args.now)
    tenant = uuid.UUID(ds.tenant_id)
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"database_url": ds.url, "instance_path": Path(instance),
                          "log_level": "WARNING"})
        db = context.database(app)
        with db.sessionmaker() as s:
            sellers = [str(u) for u in s.scalars(
                sa.select(User.id).where(User.tenant_id == tenant).order_by(User.email))]
            domains = list(s.scalars(
                sa.select(AccountDomain.domain).join(Account, sa.and_(
                    Account.tenant_id == AccountDomain.tenant_id,
                    Account.id == AccountDomain.account_id))
                .where(AccountDomain.tenant_id == tenant).order_by(AccountDomain.domain)))
        addresses = [(a, 1) for a in ds.heavy] + [(a, 3) for a in ds.heavy]
        addresses += [(a, 1) for a in rng.sample(ds.sample, args.ordinary)]
        addresses += [(f"nobody.known@{d}", 1) for d in rng.sample(domains, args.domains)]
        viewers = [sellers[0], *rng.sample(sellers[1:], args.sellers - 1)]
        n = 0
        with open(args.out, "wb") as out:
            for seller in viewers:
                for address, page in addresses:
                    with db.sessionmaker() as session:
                        read_only(session)
                        builder = StoryQuery(session, tenant, now=now)
                        sees = builder.viewer(uuid.UUID(seller)).story
                        story = sees(builder.for_address(address, page=page))
                    body = to_json(story) if story is not None else b"null"
                    digest = hashlib.sha256(body).hexdigest()[:16]
                    out.write(f"{seller} {address} {page} {digest} ".encode() + body + b"\n")
                    n += 1
        db.dispose()
    print(f"# {n} stories written to {args.out}")


if __name__ == "__main__":
    main()
