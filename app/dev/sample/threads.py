"""Customer and internal threads: who writes to whom, when, and in which mailboxes it lands."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.dev.sample import details, resources
from app.dev.sample.model import SampleAccount, SampleContact, SampleSeller
from app.dev.sample.render import Part, Who
from app.dev.sample.scenes import SCENES, Scene
from app.dev.sample.scenes_other import INTERNAL

Item = tuple[str, str, dict]  # (mailbox address, folder, Graph resource)
GAPS_HOURS = (0.4, 1, 2, 3, 5, 20, 26, 30, 48, 70, 96, 140)


@dataclass(frozen=True)
class Actor:
    """Someone who writes in a thread, with how they write."""

    address: Who
    first: str
    signature: tuple[str, ...]
    plain: bool
    seller: bool


def seller_actor(s: SampleSeller, rng: random.Random) -> Actor:
    """Gives a seller as a thread participant."""
    sig = (s.display_name, f"{s.title} | Lumenfield", f"{s.phone} | lumenfield.io")
    return Actor((s.display_name, s.email), s.first_name, sig, False, True)


def contact_actor(c: SampleContact, rng: random.Random, *, alias: bool = False) -> Actor:
    """Gives a contact as a thread participant (``alias``: writing from their second address)."""
    address = c.aliases[0] if alias and c.aliases else c.email
    sig = details.signature(rng, name=c.name, title=c.title, company=c.company, phone=c.phone,
                            domain=c.account_domain)
    return Actor((c.name, address), c.first_name, sig, c.plain_text, False)


@dataclass
class Thread:
    """One conversation being written, message by message."""

    key: str
    subject: str
    now: datetime
    sellers: frozenset[str]
    chain: list[Part]
    kinds: list[str]

    def post(self, sender: Actor, to: list[Actor], cc: list[Actor], sent: datetime,
             paragraphs: tuple[str, ...], kinds: tuple[str, ...], rng: random.Random,
             *, headers: list[dict] | None = None) -> Iterator[Item]:
        """Adds one email to the thread and yields its copy in every team mailbox it reaches."""
        reply = bool(self.chain)
        subject = ("Re: " if sender.plain else "RE: ") + self.subject if reply else self.subject
        first = to[0].first if to else ""
        part = Part(sender.address, tuple(a.address for a in to), tuple(a.address for a in cc),
                    sent, subject, rng.choice(details.GREETINGS).format(first), paragraphs,
                    rng.choice(details.CLOSINGS), sender.signature, sender.plain)
        self.chain.insert(0, part)
        as_html = not sender.plain and not (sender.seller and rng.random() < 0.15)
        body, body_preview = resources.message_body(self.chain, as_html)
        i = len(self.chain)
        key = f"{self.key}:{i}"
        imid = resources.internet_message_id(key, sender.address[1])
        self.kinds.extend(kinds)
        boxes = []
        if sender.address[1] in self.sellers:
            boxes.append((sender.address[1], "sentitems"))
        boxes += [(a.address[1], "inbox") for a in to + cc
                  if a.address[1] in self.sellers and a.address[1] != sender.address[1]]
        for mailbox, folder in boxes:
            yield mailbox, folder, resources.message(
                mailbox=mailbox, folder=folder, key=key, imid=imid, thread=self.key,
                part=part, body=body, body_preview=body_preview, headers=headers)


def _start(rng: random.Random, now: datetime, days: float = 120) -> datetime:
    day = now - timedelta(days=rng.uniform(0.5, days))
    while day.weekday() > 4:
        day -= timedelta(days=1)
    return day.replace(hour=rng.randint(7, 16), minute=rng.randrange(60),
                       second=rng.randrange(60), microsecond=0)


def _working(when: datetime, rng: random.Random) -> datetime:
    """Moves a time outside 07:00-18:59 on a weekday to the next working morning."""
    if when.hour >= 19:
        when += timedelta(days=1)
    if when.hour >= 19 or when.hour < 7:
        when = when.replace(hour=rng.randint(7, 9), minute=rng.randrange(60))
    while when.weekday() > 4:
        when += timedelta(days=1)
    return when


def _play(thread: Thread, scene: Scene, cast: dict[str, Actor], fields: dict[str, str],
          start: datetime, rng: random.Random, joins: dict[str, int]) -> Iterator[Item]:
    """Writes the steps of a scene until the thread reaches ``now``."""
    sent = start
    last: dict[str, Actor] = {}
    for n, (speaker, kinds, texts) in enumerate(scene[1]):
        if n:
            sent = _working(sent + timedelta(hours=rng.choice(GAPS_HOURS),
                                             minutes=rng.randrange(60)), rng)
        if sent > thread.now:
            return
        actor = cast[speaker]
        present = [cast[r] for r, at in joins.items() if at <= n and r in cast]
        other_side = [a for a in present if a.seller != actor.seller]
        to = [last["other"]] if "other" in last and last["other"].seller != actor.seller \
            else other_side[:1]
        cc = [a for a in present if a is not actor and a not in to]
        text = rng.choice(texts)
        values = dict(fields, due=details.due_phrase(sent, rng),
                      due2=details.due_phrase(sent + timedelta(days=2), rng))
        paragraphs = tuple(text.format(**values).split("\n\n"))
        yield from thread.post(actor, to, cc, sent, paragraphs, kinds, rng)
        last["other"] = actor


def customer_thread(k: int, accounts: tuple[SampleAccount, ...],
                    sellers: tuple[SampleSeller, ...], competitors: list[str], now: datetime,
                    seed: int, kinds: list[str]) -> Iterator[Item]:
    """Yields the mailbox copies of customer thread number ``k`` (a pure function of k)."""
    rng = random.Random(f"{seed}:customer:{k}")
    n_acc = len(accounts)
    account = accounts[k % n_acc]
    round_ = k // n_acc
    scene = SCENES[(k + round_) % len(SCENES)]
    people = [c for c in account.contacts if c.account_domain]
    main = people[0] if round_ < 2 else rng.choice(people)
    boss = rng.choice([c for c in people if c is not main] or people)
    by_email = {s.email: s for s in sellers}
    owner = by_email[account.owner_email]
    mate = rng.choice([s for s in sellers if s is not owner])
    cast = {"S": seller_actor(owner, rng), "K": seller_actor(mate, rng),
            "C": contact_actor(main, rng, alias=round_ == 1),
            "D": contact_actor(boss, rng)}
    speakers = [s for s, _, _ in scene[1]]
    joins = {"S": 0, "C": 0}
    if "K" in speakers or rng.random() < 0.25:
        joins["K"] = 0 if rng.random() < 0.6 else speakers.index("K") if "K" in speakers else 1
    for n, (speaker, step_kinds, _) in enumerate(scene[1]):
        if speaker == "D" or "decision_maker" in step_kinds:
            joins.setdefault("D", n)
    free = [c for c in account.contacts if not c.account_domain]
    if free and round_ in (0, 2):
        cast["F"] = contact_actor(free[0], rng)
        joins["F"] = 0
    start = _start(rng, now)
    fields = details.fill(rng, start=start, company=account.name, currency=account.currency,
                          country=account.country, competitors=competitors)
    fields.update(c=main.first_name, s=owner.first_name, k=mate.first_name, d=boss.name,
                  d_first=boss.first_name, d_title=boss.title)
    thread = Thread(f"c{seed}:{k}", scene[0].format(**fields), now,
                    frozenset(by_email), [], kinds)
    yield from _play(thread, scene, cast, fields, start, rng, joins)


def internal_thread(k: int, accounts: tuple[SampleAccount, ...],
                    sellers: tuple[SampleSeller, ...], competitors: list[str], now: datetime,
                    seed: int, kinds: list[str]) -> Iterator[Item]:
    """Yields the copies of internal-only thread ``k`` between two or three sellers."""
    rng = random.Random(f"{seed}:internal:{k}")
    scene = INTERNAL[k % len(INTERNAL)]
    account = accounts[rng.randrange(len(accounts))]
    a, b, c = rng.sample(sellers, 3)
    cast = {"S": seller_actor(a, rng), "K": seller_actor(b, rng), "X": seller_actor(c, rng)}
    joins = {"S": 0, "K": 0} | ({"X": 0} if rng.random() < 0.3 else {})
    start = _start(rng, now)
    fields = details.fill(rng, start=start, company=account.name, currency=account.currency,
                          country=account.country, competitors=competitors)
    fields.update(c=account.contacts[0].first_name, s=a.first_name, k=b.first_name)
    thread = Thread(f"i{seed}:{k}", scene[0].format(**fields), now,
                    frozenset(s.email for s in sellers), [], kinds)
    # internal mail: both sides are sellers, so address the colleague explicitly
    sent = start
    for n, (speaker, step_kinds, texts) in enumerate(scene[1]):
        if n:
            sent = _working(sent + timedelta(hours=rng.choice(GAPS_HOURS[:6])), rng)
        if sent > now:
            return
        me = cast[speaker]
        others = [cast[r] for r in joins if cast[r] is not me]
        values = dict(fields, due=details.due_phrase(sent, rng))
        paragraphs = tuple(rng.choice(texts).format(**values).split("\n\n"))
        yield from thread.post(me, others[:1], others[1:], sent, paragraphs,
                               (*step_kinds, "internal"), rng)
