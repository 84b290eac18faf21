"""A synthetic tenant for the story benchmark, planned in memory and written straight to the
tables (the ORM write path would take hours for a million interactions).

The rows are shaped as ``record_interaction`` would leave them: participants carry the
interaction's ``occurred_at`` and ``direction``, each interaction is linked to the mailbox
that saw it, relationship / contact / account rollups match the rows, and activity is linked
to an account's deal when exactly one deal is open. Every name and domain is invented.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from app.records.identity import account_name_from_domain, name_key
from app.records.models import DEAL_STAGES as STAGES
from app.records.models import OPEN_STAGES

SEED = 20261122
TENANT_ID = uuid.UUID("5b0e7a1e-2026-4c22-8b3a-000000000001")
TENANT_DOMAIN = "lumenfold.io"
HEAVY_INTERACTIONS = 5_000
FIRST = ("Aino", "Bram", "Cleo", "Dario", "Edda", "Fenna", "Gideon", "Halla", "Ivo", "Juna",
         "Kasper", "Liora", "Mads", "Nerys", "Oskar", "Pia", "Quill", "Rasmus", "Saoirse", "Tove",
         "Ulla", "Vesna", "Wendel", "Xavia", "Yorick", "Zelda", "Anouk", "Bastian", "Carys", "Dov")
LAST = ("Ashgrove", "Brindle", "Castellan", "Dunmore", "Eskildsen", "Fairweather", "Galloway",
        "Hollis", "Ingram", "Jessup", "Kettleby", "Lindqvist", "Marlowe", "Northcott", "Oakes",
        "Pemberton", "Quarry", "Rookwood", "Stenholm", "Thackeray", "Underhill", "Voss",
        "Whitlock", "Yardley", "Zeller", "Ambrose", "Blackwood", "Corrigan", "Delacroix", "Ellery")
PREFIX = ("amber", "birch", "cobalt", "drift", "ember", "fable", "granite", "harbor", "iris",
          "juniper", "kelp", "lantern", "meadow", "nimbus", "onyx", "pebble", "quartz", "rowan",
          "saffron", "tidal", "umber", "velvet", "willow", "yarrow", "zephyr", "alder", "bramble",
          "cinder", "dune", "elm")
CORE = ("crest", "forge", "field", "gate", "haven", "line", "mark", "point", "ridge", "stone",
        "vale", "works", "bridge", "brook", "cliff", "dale", "fold", "glen", "hollow", "moor",
        "peak", "reach", "shore", "spring", "wood", "yard", "bay", "cove", "ford", "hurst")
SUFFIX = ("freight", "foods", "labs", "logistics", "systems", "health", "energy", "textiles",
          "media", "retail", "capital", "robotics")
TLDS = ("com", "co.uk", "de", "io", "nl", "fr")
TOPICS = ("Quarterly review", "Pricing follow-up", "Onboarding plan", "Renewal terms",
          "Security questionnaire", "Pilot results", "Integration kickoff", "Invoice question",
          "Rollout schedule", "Contract redlines", "Workshop agenda", "Support escalation")
SENTENCES = ("Thanks for the call earlier today.", "Attached is the updated plan.",
             "Could we move the review to next week?", "The team is aligned on the scope.",
             "Let me know if anything is unclear.", "We are checking the numbers internally.",
             "Happy to set up a short demo for your colleagues.", "The pilot went well so far.")
PROMISES = (("promise", "sender", "send the revised quote", "I'll send the revised quote."),
            ("request", "recipient", "share the signed order form",
             "Could you share the signed order form?"),
            ("promise", "sender", "confirm the delivery dates", "I will confirm the dates."))
SIGNALS = (("budget", {"amount": 50000, "currency": "EUR"}, "Our budget is EUR 50,000"),
           ("competitor", "another vendor", "we are also looking at another vendor"),
           ("timeline", "Q1", "we want to go live in Q1"),
           ("risk", "on hold", "we may put the project on hold"))


@dataclass(frozen=True)
class Plan:
    """How big the tenant is. ``scale=1`` is the target's 100k contacts / 1M interactions."""

    scale: float = 1.0
    heavy: int = 5
    users: int = 40

    @property
    def contacts(self) -> int:
        """Number of contacts."""
        return max(200, int(100_000 * self.scale))

    @property
    def interactions(self) -> int:
        """Number of interactions, the heavy contacts' included."""
        return max(self.heavy * HEAVY_INTERACTIONS + 2 * self.contacts,
                   int(1_000_000 * self.scale))

    @property
    def label(self) -> str:
        """A short name for files and databases: ``s1`` or ``s0_05``."""
        return "s" + f"{self.scale:g}".replace(".", "_")


@dataclass
class Rollup:
    """One seller's running totals with one contact (the relationships row)."""

    interactions: int = 0
    inbound: int = 0
    outbound: int = 0
    meetings: int = 0
    first_at: datetime | None = None
    last_at: datetime | None = None
    last_inbound_at: datetime | None = None
    last_outbound_at: datetime | None = None

    def add(self, at: datetime, direction: str, kind: str) -> None:
        """Counts one interaction, as ``app.records.rollups.add_to_rollups`` does."""
        self.interactions += 1
        self.meetings += kind == "meeting"
        if direction == "inbound":
            self.inbound += 1
            self.last_inbound_at = _later(self.last_inbound_at, at)
        else:
            self.outbound += 1
            self.last_outbound_at = _later(self.last_outbound_at, at)
        self.first_at = at if self.first_at is None else min(self.first_at, at)
        self.last_at = _later(self.last_at, at)


def _later(a: datetime | None, b: datetime) -> datetime:
    return b if a is None or b > a else a


def _uuid7(ms: int, rng: random.Random) -> uuid.UUID:
    """A version-7 layout id like ``new_id`` but for a given millisecond (ordered by time)."""
    value = (ms << 80) | rng.getrandbits(80)
    value = (value & ~(0xF << 76)) | (0x7 << 76)
    value = (value & ~(0x3 << 62)) | (0x2 << 62)
    return uuid.UUID(int=value)


@dataclass
class Tenant:
    """The planned tenant: people, accounts, deals and the interaction events, in memory."""

    plan: Plan
    now: datetime
    rng: random.Random
    users: list[dict[str, Any]] = field(default_factory=list)
    accounts: list[dict[str, Any]] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    addresses: list[dict[str, Any]] = field(default_factory=list)
    sellers: list[tuple[int, ...]] = field(default_factory=list)
    by_account: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    deals: list[dict[str, Any]] = field(default_factory=list)
    stage_changes: list[dict[str, Any]] = field(default_factory=list)
    open_deal: dict[int, uuid.UUID] = field(default_factory=dict)
    # (unix seconds, contact, cc contact or -1, seller, meeting?, inbound?, thread number)
    events: list[tuple[int, int, int, int, bool, bool, int]] = field(default_factory=list)
    heavy: list[int] = field(default_factory=list)

    def ms_id(self, at: datetime) -> uuid.UUID:
        """A time-ordered id for a row created at ``at``."""
        return _uuid7(int(at.timestamp() * 1000), self.rng)


def plan_tenant(plan: Plan, now: datetime | None = None) -> Tenant:
    """Decides everything but the interaction rows themselves (deterministic per plan)."""
    t = Tenant(plan=plan, now=(now or datetime.now(UTC)).replace(microsecond=0),
               rng=random.Random(SEED))
    rng = t.rng
    start = t.now - timedelta(days=3 * 365)
    for i in range(plan.users):
        first, last = FIRST[i % len(FIRST)], LAST[(i * 7 + 3) % len(LAST)]
        t.users.append({"tenant_id": TENANT_ID, "id": t.ms_id(start), "oid": uuid.UUID(
            int=rng.getrandbits(128)), "email": f"{first}.{last}{i}@{TENANT_DOMAIN}".lower(),
            "display_name": f"{first} {last}", "time_zone": "Europe/Berlin",
            "sync_enabled": True, "created_at": start})
    n_accounts = max(10, plan.contacts // 10)
    for i in range(n_accounts):
        a, b, c = i % 30, (i // 30) % 30, (i // 900) % len(SUFFIX)
        domain = f"{PREFIX[a]}{CORE[b]}-{SUFFIX[c]}.{TLDS[i % len(TLDS)]}"
        if i >= 30 * 30 * len(SUFFIX):
            domain = f"{PREFIX[a]}{CORE[b]}{i}-{SUFFIX[c]}.com"
        t.domains.append(domain)
        t.accounts.append({"tenant_id": TENANT_ID, "id": t.ms_id(start), "created_at": start,
                           "name": account_name_from_domain(domain), "interaction_count": 0,
                           "last_activity_at": None})
    _plan_contacts(t, n_accounts)
    _plan_deals(t)
    _plan_events(t, start)
    return t


def _plan_contacts(t: Tenant, n_accounts: int) -> None:
    rng, seen = t.rng, set()
    for i in range(t.plan.contacts):
        heavy = i < t.plan.heavy
        first, last = rng.choice(FIRST), rng.choice(LAST)
        freemail = not heavy and rng.random() < 0.02
        acc = None if freemail else (i * 97 if heavy else rng.randrange(n_accounts)) % n_accounts
        domain = rng.choice(("gmail.com", "outlook.com")) if acc is None else t.domains[acc]
        address = f"{first}.{last}@{domain}".lower()
        if address in seen or freemail:
            address = f"{first}.{last}.{i}@{domain}".lower()
        seen.add(address)
        display = f"{first} {last}"
        t.contacts.append({
            "tenant_id": TENANT_ID, "id": t.ms_id(t.now - timedelta(days=3 * 365)),
            "display_name": display, "name_key": name_key(display), "title": None,
            "phone": None, "company": t.accounts[acc]["name"] if acc is not None else None,
            "account_id": t.accounts[acc]["id"] if acc is not None else None,
            "merged_into": None, "source": "sent", "evidence": {},
            "created_at": t.now - timedelta(days=3 * 365), "interaction_count": 0,
            "last_activity_at": None, "_account": acc, "_address": address,
        })
        t.addresses.append({"tenant_id": TENANT_ID, "address": address,
                            "contact_id": t.contacts[-1]["id"], "is_primary": True})
        if rng.random() < 0.05:  # an alias address seen in some mail
            alias = f"{first[0]}.{last}.{i}@{domain}".lower()
            t.addresses.append({"tenant_id": TENANT_ID, "address": alias,
                                "contact_id": t.contacts[-1]["id"], "is_primary": False})
        owner = rng.randrange(t.plan.users)
        t.sellers.append((owner, rng.randrange(t.plan.users)) if rng.random() < 0.4 else (owner,))
        if acc is not None:
            t.by_account[acc].append(i)
        if heavy:
            t.heavy.append(i)


def _plan_deals(t: Tenant) -> None:
    rng = t.rng
    with_deal = {t.contacts[h]["_account"] for h in t.heavy}
    with_deal |= {a for a in range(len(t.accounts)) if rng.random() < 0.25}
    for acc in sorted(a for a in with_deal if a is not None):
        for n in range(2 if rng.random() < 0.1 else 1):
            stage = "proposal" if acc in t.open_deal or n == 0 and acc in {
                t.contacts[h]["_account"] for h in t.heavy} else rng.choice(STAGES)
            if n == 1 and stage in OPEN_STAGES and acc in t.open_deal:
                stage = "won"
            created = t.now - timedelta(days=rng.randint(20, 400))
            owner = t.users[rng.randrange(t.plan.users)]["id"]
            deal_id = t.ms_id(created)
            path = list(STAGES[: STAGES.index(stage) + 1]) if stage in OPEN_STAGES else [
                "lead", "qualified", "proposal", stage]
            at, prev = created, None
            for k, step in enumerate(path):
                at = created + timedelta(days=k * rng.randint(3, 15))
                t.stage_changes.append({"tenant_id": TENANT_ID, "id": t.ms_id(at),
                                        "deal_id": deal_id, "from_stage": prev, "to_stage": step,
                                        "changed_at": at, "changed_by": owner})
                prev = step
            t.deals.append({
                "tenant_id": TENANT_ID, "id": deal_id, "account_id": t.accounts[acc]["id"],
                "name": f"{t.accounts[acc]['name']} {rng.choice(('rollout', 'pilot', 'renewal'))}",
                "stage": stage, "amount": Decimal(rng.randrange(5, 500) * 1000),
                "currency": "EUR", "close_date": (t.now + timedelta(days=rng.randint(-30, 120)))
                .date(), "owner_user_id": owner, "stage_changed_at": at, "created_at": created})
            if stage in OPEN_STAGES:
                t.open_deal[acc] = deal_id


def _plan_events(t: Tenant, start: datetime) -> None:
    rng, plan = t.rng, t.plan
    span = int((t.now - start).total_seconds()) - 3600
    t0 = int(start.timestamp())
    counts = [HEAVY_INTERACTIONS] * plan.heavy
    ordinary = plan.contacts - plan.heavy
    remaining = plan.interactions - plan.heavy * HEAVY_INTERACTIONS - ordinary
    weights = [rng.lognormvariate(0, 1.2) for _ in range(ordinary)]
    total = sum(weights)
    extra = [int(w / total * remaining) for w in weights]
    for _ in range(remaining - sum(extra)):
        extra[rng.randrange(ordinary)] += 1
    counts += [1 + e for e in extra]
    for ci, n in enumerate(counts):
        acc = t.contacts[ci]["_account"]
        mates = [m for m in t.by_account.get(acc, ()) if m != ci and m >= plan.heavy] \
            if acc is not None else []
        sellers = t.sellers[ci]
        for k in range(n):
            cc = rng.choice(mates) if mates and rng.random() < 0.15 else -1
            meeting = rng.random() < 0.08
            t.events.append((t0 + rng.randrange(span), ci, cc,
                             sellers[0] if len(sellers) == 1 or rng.random() < 0.7 else sellers[1],
                             meeting, not meeting and rng.random() < 0.5, k // 3))
    t.events.sort()


def interaction_rows(t: Tenant, chunk: int = 20_000) -> Iterator[dict[str, list[dict[str, Any]]]]:
    """Rows per table for the planned events, ``chunk`` interactions at a time."""
    rng, users, contacts = t.rng, t.users, t.contacts
    for lo in range(0, len(t.events), chunk):
        out: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for n, (ts, ci, cc, ui, meeting, inbound, thread) in enumerate(
                t.events[lo:lo + chunk], start=lo):
            at = datetime.fromtimestamp(ts, UTC)
            c, u = contacts[ci], users[ui]
            kind, direction = ("meeting" if meeting else "email"), (
                "inbound" if inbound else "outbound")
            iid, acc = t.ms_id(at), c["_account"]
            topic = TOPICS[(ci + thread) % len(TOPICS)]
            finding = rng.random()
            body = " ".join(rng.sample(SENTENCES, 3))
            promise = PROMISES[n % len(PROMISES)] if finding < 0.02 else None
            if promise:
                body = f"{promise[3]} {body}"
            out["interactions"].append({
                "tenant_id": TENANT_ID, "id": iid, "kind": kind,
                "external_key": f"<b{n}.{iid.hex[:12]}@mx.{TENANT_DOMAIN}>",
                "direction": direction, "thread_id": f"bench-{ci}-{thread}",
                "subject": topic if meeting or thread % 2 == 0 else f"RE: {topic}",
                "snippet": body[:300], "body_text": body, "occurred_at": at,
                "ends_at": at + timedelta(minutes=45) if meeting else None,
                "account_id": t.accounts[acc]["id"] if acc is not None else None,
                "from_address": c["_address"] if inbound else u["email"],
                "from_user_id": None if inbound else u["id"], "cancelled": False,
                "deleted_at": None, "created_at": at})
            ours = [(u["email"], "to" if inbound else ("organizer" if meeting else "from"),
                     None, u["id"], u["display_name"])]
            role = "attendee" if meeting else ("from" if inbound else "to")
            theirs = [(c["_address"], role, ci, None, c["display_name"])]
            if cc >= 0:
                m = contacts[cc]
                theirs.append((m["_address"], "attendee" if meeting else "cc", cc, None,
                               m["display_name"]))
            people = theirs + ours if inbound else ours + theirs
            for address, prole, pc, pu, name in people:
                out["participants"].append({
                    "tenant_id": TENANT_ID, "interaction_id": iid, "address": address,
                    "role": prole, "name": name,
                    "contact_id": contacts[pc]["id"] if pc is not None else None,
                    "user_id": pu, "occurred_at": at, "direction": direction})
            out["interaction_mailboxes"].append({
                "tenant_id": TENANT_ID, "interaction_id": iid, "user_id": u["id"],
                "graph_id": f"AAMkAGI{iid.hex}", "folder": "calendar" if meeting else (
                    "inbox" if inbound else "sentitems")})
            if acc is not None and acc in t.open_deal:
                out["deal_interactions"].append({"tenant_id": TENANT_ID,
                                                 "deal_id": t.open_deal[acc],
                                                 "interaction_id": iid})
            if promise:
                ck, owner, action, text = promise
                us = (owner == "sender") == (not inbound)
                due = (at + timedelta(days=rng.randint(-3, 14))).date()
                out["commitments"].append({
                    "tenant_id": TENANT_ID, "id": t.ms_id(at), "interaction_id": iid,
                    "kind": ck, "side": "us" if us else "them",
                    "owner_user_id": u["id"] if us else None, "contact_id": c["id"],
                    "account_id": t.accounts[acc]["id"] if acc is not None else None,
                    "action": action, "text": text, "evidence_start": 0,
                    "evidence_end": len(text), "due_on": due,
                    "status": "open" if at > t.now - timedelta(days=60) or rng.random() < 0.1
                    else "done", "snoozed_until": None, "created_at": at,
                    "completed_at": None})
            if 0.02 <= finding < 0.03:
                sk, value, text = SIGNALS[n % len(SIGNALS)]
                out["signals"].append({
                    "tenant_id": TENANT_ID, "id": t.ms_id(at), "interaction_id": iid,
                    "contact_id": c["id"],
                    "account_id": t.accounts[acc]["id"] if acc is not None else None,
                    "kind": sk, "value": value, "text": text, "evidence_start": 0,
                    "evidence_end": len(text), "confidence": 0.8, "occurred_at": at})
        yield out


def apply_rollups(t: Tenant) -> list[dict[str, Any]]:
    """Counts every event into its contacts and account (as the write path does) and returns
    the relationships rows; written before the interactions so foreign keys hold."""
    rels: dict[tuple[int, int], Rollup] = {}
    for ts, ci, cc, ui, meeting, inbound, _thread in t.events:
        at = datetime.fromtimestamp(ts, UTC)
        kind, direction = ("meeting" if meeting else "email"), (
            "inbound" if inbound else "outbound")
        for pc in (ci, cc) if cc >= 0 else (ci,):
            contact = t.contacts[pc]
            contact["interaction_count"] += 1
            contact["last_activity_at"] = _later(contact["last_activity_at"], at)
            rels.setdefault((pc, ui), Rollup()).add(at, direction, kind)
        acc = t.contacts[ci]["_account"]
        if acc is not None:
            account = t.accounts[acc]
            account["interaction_count"] += 1
            account["last_activity_at"] = _later(account["last_activity_at"], at)
    return [{"tenant_id": TENANT_ID, "contact_id": t.contacts[ci]["id"],
             "user_id": t.users[ui]["id"], **vars(r)} for (ci, ui), r in rels.items()]


def public(row: dict[str, Any]) -> dict[str, Any]:
    """A planned row without its private (``_``-prefixed) planning fields."""
    return {k: v for k, v in row.items() if not k.startswith("_")}
