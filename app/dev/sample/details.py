"""Per-thread details that fill the scene templates: amounts, dates, names, greetings."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

SYMBOLS = {"USD": ("$", "USD "), "EUR": ("€", "EUR "), "GBP": ("£", "GBP "),
           "AUD": ("A$", "AUD "), "CAD": ("CA$", "CAD "), "CHF": ("CHF ", "CHF ")}
COUNTRY_NAMES = {"US": "the US", "CA": "Canada", "GB": "the UK", "IE": "Ireland",
                 "DE": "Germany", "NL": "the Netherlands", "FR": "France", "ES": "Spain",
                 "CH": "Switzerland", "AU": "Australia"}
SITES = ("the Rotterdam depot", "our Leeds hub", "the Munich service centre",
         "the Brisbane yard", "our Calgary branch", "the Lyon warehouse", "the Denver site")
REGIONS = ("Nordics", "Benelux", "DACH", "APAC", "Midwest", "Scotland", "Iberia", "Ontario")
MODULES = ("Forecast module", "Dispatch Planner", "Capacity Insights", "Ops Console")
GREETINGS = ("Hi {0},", "Hello {0},", "Dear {0},", "{0},", "Hi {0},", "Good morning {0},")
CLOSINGS = ("Best regards,", "Kind regards,", "Thanks,", "Best,", "Many thanks,", "Cheers,")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def money(amount: Decimal | int, currency: str, rng: random.Random) -> str:
    """Formats an amount as people write it ("€48,000", "USD 120,000", "£1.2m")."""
    symbol = SYMBOLS[currency][rng.randrange(2)]
    value = int(amount)
    if value >= 1_000_000 and rng.random() < 0.5:
        return f"{symbol}{value / 1_000_000:.1f}m"
    return f"{symbol}{value:,}"


def next_weekday(after: datetime, rng: random.Random) -> str:
    """Names a working day 1-6 days after ``after``."""
    day = after + timedelta(days=rng.randint(1, 6))
    while day.weekday() > 4:
        day += timedelta(days=1)
    return WEEKDAYS[day.weekday()]


def due_phrase(sent: datetime, rng: random.Random) -> str:
    """A due date as written in a promise, relative to when the email is sent."""
    choice = rng.randrange(6)
    if choice == 0:
        return "tomorrow"
    if choice == 1:
        return "by the end of the week" if sent.weekday() < 3 else "by early next week"
    if choice == 2:
        return f"by end of day {next_weekday(sent, rng)}"
    if choice == 3:
        target = sent + timedelta(days=rng.randint(5, 14))
        return f"by {target.day} {target:%B}"
    return f"by {next_weekday(sent, rng)}"


def date_phrase(d: datetime, us: bool) -> str:
    """A calendar date as written in the sender's locale ("March 1" or "1 March")."""
    return f"{d:%B} {d.day}" if us else f"{d.day} {d:%B}"


def fill(rng: random.Random, *, start: datetime, company: str, currency: str, country: str,
         competitors: list[str]) -> dict[str, str]:
    """Gives the template fields of one thread (dates relative to its first email)."""
    budget = rng.randrange(6, 60) * 5_000
    price = budget * rng.choice((85, 95, 110, 120, 135)) // 100 // 500 * 500
    seats = rng.choice((25, 40, 60, 80, 120, 150, 200, 350))
    go_live = start + timedelta(days=rng.randint(30, 110))
    quarter = (go_live.month - 1) // 3 + 1
    us = country in ("US", "CA")
    c1, c2 = rng.sample(competitors, 2)
    return {
        "company": company, "seats": str(seats), "budget": money(budget, currency, rng),
        "price": money(price, currency, rng),
        "threshold": money(rng.choice((25_000, 50_000, 100_000)), currency, rng),
        "discount": rng.choice(("8%", "10%", "12%", "15%")), "competitor": c1,
        "competitor2": c2, "go_live": date_phrase(go_live, us),
        "quarter": f"Q{quarter} {go_live.year}", "year": str(go_live.year),
        "weekday": next_weekday(start, rng), "weekday2": next_weekday(start, rng),
        "site": rng.choice(SITES), "region": rng.choice(REGIONS), "module": rng.choice(MODULES),
        "ticket": f"LF-{rng.randrange(10_000, 99_999)}", "country_name": COUNTRY_NAMES[country],
    }


def signature(rng: random.Random, *, name: str, title: str, company: str, phone: str,
              domain: str | None) -> tuple[str, ...]:
    """Gives signature lines in one of several common layouts."""
    style = rng.randrange(4)
    if not company:
        return (name, title, f"Mobile: {phone}")
    if style == 0:
        return (name, f"{title} | {company}", phone)
    if style == 1:
        return (name, title, company, f"T: {phone}") + ((f"www.{domain}",) if domain else ())
    if style == 2:
        return (name, f"{title}, {company}", f"Tel. {phone}")
    return (name, title, company, f"M {phone}")
