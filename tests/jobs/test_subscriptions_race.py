"""Two lifecycle events arriving together create each Graph subscription once."""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from app.db import Database
from app.graph.types import SubscriptionInfo
from app.jobs import tasks
from app.jobs.context import JobContext
from app.records.models import Base, Subscription, Tenant, User
from app.settings import Settings

TENANT = uuid.UUID("33333333-4444-4555-8666-777777777777")


class SlowGraph:
    """Graph's subscribe, slow enough that concurrent callers overlap; counts the calls."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.lock = threading.Lock()

    def subscribe(self, tenant: str, *, resource: str, **_kw: Any) -> SubscriptionInfo:
        time.sleep(0.05)
        with self.lock:
            self.calls.append(resource)
            n = len(self.calls)
        return SubscriptionInfo(id=f"sub-{n}", resource=resource, change_type="created",
                                notification_url="https://storyline.example/n",
                                expires_at=datetime.now(UTC) + timedelta(days=2))


def test_concurrent_lifecycle_events_create_each_subscription_once(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'subs.db'}")
    Base.metadata.create_all(db.engine)
    user_id = uuid.uuid4()
    with db.session() as s:
        s.add(Tenant(id=TENANT, name="Us"))
        s.flush()
        s.add(User(tenant_id=TENANT, id=user_id, email="ann@ourteam.io", display_name="Ann"))
    graph = SlowGraph()
    ctx = JobContext(settings=Settings(), db=db, graph=graph,  # type: ignore[arg-type]
                     notification_url="https://storyline.example/api/v1/graph/notifications")
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda _: tasks.ensure_subscriptions(ctx, tenant_id=str(TENANT)),
                      range(4)))
    with db.sessionmaker() as s:
        resources = s.scalars(sa.select(Subscription.resource).where(
            Subscription.status == "active")).all()
    assert sorted(resources) == sorted(set(resources)) and len(resources) == 3
    assert len(graph.calls) == 3
    db.engine.dispose()
