"""Deals as a CRM holds them (not in mail): stage, amount, close date, owner, stage history."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from app.dev.sample.model import SampleAccount, SampleDeal
from app.records.models import DEAL_STAGES as STAGES

NAMES = ("New business", "Expansion", "Renewal", "Pilot", "Enterprise upgrade")


def build_deals(accounts: tuple[SampleAccount, ...], now: datetime, seed: int) -> list[SampleDeal]:
    """Gives 0-2 deals per account with a consistent stage history ending in the current stage."""
    rng = random.Random(f"{seed}:deals")
    deals: list[SampleDeal] = []
    for account in accounts:
        for n in range(rng.choice((0, 1, 1, 1, 2, 2))):
            stage = rng.choice(STAGES)
            path = list(STAGES[: STAGES.index(stage) + 1]) if stage != "lost" else \
                list(STAGES[: rng.randint(1, 4)]) + ["lost"]
            when = now - timedelta(days=rng.randint(60, 150))
            history = []
            for step in path:
                history.append((step, when.replace(microsecond=0)))
                when += timedelta(days=rng.randint(5, 25), hours=rng.randint(0, 8))
                when = min(when, now - timedelta(days=1))
            closed = stage in ("won", "lost")
            close = history[-1][1].date() if closed else \
                (now + timedelta(days=rng.randint(10, 150))).date()
            amount = Decimal(rng.randrange(8, 120) * 2_500)
            label = NAMES[(n * 3 + len(deals)) % len(NAMES)]
            deals.append(SampleDeal(
                account_domain=account.domain, name=f"{account.name} - {label}",
                stage=stage, amount=amount, currency=account.currency, close_date=close,
                owner_email=account.owner_email, history=tuple(history)))
    return deals
