"""The invented cast of the sample: Lumenfield's sellers, its customers and their people.

Every company, person and domain here is made up. Phone numbers use ranges reserved for
fiction or examples where a country has one (UK 020 7946 0xxx, US 555-01xx, AU 5550 xxxx).
"""

from __future__ import annotations

import random
import uuid

from app.dev.sample.model import SampleAccount, SampleContact, SampleSeller

TENANT_ID = uuid.UUID("7f3c1a52-0d4e-4b8a-9c61-2e5f8a9b0c11")
TENANT_NAME = "Lumenfield"
INTERNAL_DOMAIN = "lumenfield.io"
COMPETITORS = ["Quorvia CRM", "PipeNest", "Salvant Field Suite", "OrbitDesk", "Tallyforge"]

SELLERS = (
    SampleSeller(uuid.UUID("3b0d6c1e-5a7f-4c2e-9d8b-1f4a6e2c7b90"), "maya.lindqvist@lumenfield.io",
                 "Maya Lindqvist", "Europe/Stockholm", "Senior Account Executive",
                 "+46 8 505 812 30"),
    SampleSeller(uuid.UUID("8e2f4a91-0c3d-4b7e-a6f5-2d9c1b8e4f03"), "tomas.herrera@lumenfield.io",
                 "Tomás Herrera", "America/New_York", "Account Executive", "+1 (646) 555-0142"),
    SampleSeller(uuid.UUID("c5a17d3e-9b24-4f6a-8e01-7d3c5b2a9e64"), "ngozi.adeyemi@lumenfield.io",
                 "Ngozi Adeyemi", "Europe/London", "Head of Sales, EMEA", "+44 20 7946 0418"),
    SampleSeller(uuid.UUID("1d9e6b2f-4c8a-4e3d-b7f2-6a0c9e1d5b37"), "felix.brandt@lumenfield.io",
                 "Felix Brandt", "Europe/Berlin", "Solutions Engineer", "+49 30 2294 7731"),
    SampleSeller(uuid.UUID("6f4b0a8c-2e7d-4a91-8c5e-3b1f7d9a2c58"), "hannah.cho@lumenfield.io",
                 "Hannah Cho", "America/Los_Angeles", "Customer Success Manager",
                 "+1 (415) 555-0187"),
)

# name, domain, country, currency
ACCOUNTS = (
    ("Harbourline Freight", "harbourline-freight.com", "US", "USD"),
    ("Quillmere Analytics", "quillmere-analytics.com", "US", "USD"),
    ("Brackenfold Foods", "brackenfold-foods.com", "IE", "EUR"),
    ("Tidewell Energy", "tidewell-energy.com", "NL", "EUR"),
    ("Ashcombe & Pryor Facilities", "ashcombe-pryor.co.uk", "GB", "GBP"),
    ("Veltran Medical", "veltran-medical.com", "US", "USD"),
    ("Corvane Logistics", "corvane-logistics.com", "NL", "EUR"),
    ("Solbrisk Retail Group", "solbrisk-retail.com", "DE", "EUR"),
    ("Marrowgate Insurance", "marrowgate-insurance.com", "GB", "GBP"),
    ("Kestrelmoor Engineering", "kestrelmoor-eng.com", "AU", "AUD"),
    ("Pinecrest Hollow Hotels", "pinecresthollow-hotels.com", "CA", "CAD"),
    ("Ferrowick Steel", "ferrowick-steel.com", "DE", "EUR"),
    ("Glenharrow Utilities", "glenharrow-utilities.com", "GB", "GBP"),
    ("Cobaltreach Telecom", "cobaltreach-telecom.com", "FR", "EUR"),
    ("Wrenfield Property Partners", "wrenfield-property.com", "US", "USD"),
    ("Saltmarsh Biolabs", "saltmarsh-biolabs.com", "US", "USD"),
    ("Northvale Packaging", "northvale-packaging.com", "CA", "CAD"),
    ("Emberline Construction", "emberline-construction.com", "AU", "AUD"),
    ("Drayford Water Services", "drayford-water.com", "GB", "GBP"),
    ("Halcyon Reach Travel", "halcyonreach-travel.com", "ES", "EUR"),
    ("Orchardhill Dairy Cooperative", "orchardhill-dairy.com", "AU", "AUD"),
    ("Bluefen Aviation Services", "bluefen-aviation.com", "IE", "EUR"),
    ("Carrowmere Pharma", "carrowmere-pharma.com", "CH", "CHF"),
    ("Tessellate Grid Systems", "tessellate-grid.com", "US", "USD"),
    ("Ravelstoke Manufacturing", "ravelstoke-mfg.com", "US", "USD"),
    ("Mistral Quay Shipping", "mistralquay-shipping.com", "FR", "EUR"),
    ("Larkspur Lane Clinics", "larkspurlane-clinics.com", "US", "USD"),
    ("Gorsebrook Agritech", "gorsebrook-agri.com", "NL", "EUR"),
    ("Peregrine Vale Schools Trust", "peregrinevale-trust.org", "GB", "GBP"),
    ("Ironquill Security", "ironquill-security.com", "US", "USD"),
)
SUBDOMAIN_ACCOUNT = "veltran-medical.com"  # one contact writes from mail.veltran-medical.com
MERGE_ACCOUNT = "harbourline-freight.com"  # one contact writes from two addresses
PREFIXES = ("Amber", "Birch", "Cinder", "Dove", "Elm", "Fallow", "Garnet", "Heron", "Ivy",
            "Juniper", "Kite", "Linden", "Moss", "Nettle", "Osprey", "Plover", "Quarry",
            "Rowan", "Sorrel", "Thistle", "Umber", "Vetch", "Willow", "Yarrow")
SUFFIXES = ("brook Systems", "field Foods", "gate Transit", "mere Health", "stone Works",
            "wick Supply", "ridge Energy", "haven Retail", "ford Labs", "croft Logistics")
FIRST = ("Amara", "Bastian", "Chioma", "Dmitri", "Elspeth", "Farid", "Greta", "Hamish", "Ines",
         "Jarrah", "Keziah", "Lorcan", "Mirela", "Nikhil", "Oona", "Paolo", "Quinn", "Rosalind",
         "Soren", "Talia", "Ugo", "Valeska", "Wendell", "Ximena", "Yusuf", "Zofia", "Anouk",
         "Benedikt", "Cressida", "Declan", "Esme", "Florian", "Ginevra", "Hugo", "Ilse", "Jonas",
         "Kalani", "Leopold", "Marisol", "Noor", "Orla", "Priya", "Rafferty", "Saoirse",
         "Thibault", "Ulla", "Vikram", "Wilhelmina", "Yara", "Zeynep")
LAST = ("Ashdown", "Bramwell", "Castellanos", "Dunmore", "Eversley", "Fairweather", "Galloway",
        "Hargreave", "Iwu", "Jansky", "Kowalczyk", "Lindahl", "Marchetti", "Nakamura-Reid",
        "Okonkwo", "Pemberton", "Quennell", "Rasmussen", "Szabo", "Thornbury", "Ueda",
        "Vasquez-Lowe", "Whitcombe", "Yeats-Morland", "Zielinski", "Abernethy", "Beaumont",
        "Calloway", "Drummond", "Ekwueme", "Fontaine", "Grimaldi", "Holloway", "Ilunga",
        "Jorgensen", "Kapoor", "Lachance", "Moriarty", "Nwachukwu", "Oyelaran", "Prendergast",
        "Ravensworth", "Soderberg", "Tremblay", "Underhill", "Vandermeer", "Wexford")
TITLES = ("Head of Operations", "VP Operations", "Procurement Manager", "IT Director",
          "Chief Financial Officer", "Chief Operating Officer", "Operations Analyst",
          "Senior Legal Counsel", "Information Security Lead", "Fleet Manager",
          "Director of Field Service", "Programme Manager", "Finance Business Partner")
PHONES = {
    "US": ("+1 (312) 555-01{n:02d}", "312-555-01{n:02d}", "+1 212 555 01{n:02d}"),
    "CA": ("+1 604-555-01{n:02d}", "(416) 555-01{n:02d}"),
    "GB": ("+44 20 7946 0{n:03d}", "020 7946 0{n:03d}", "+44 (0)161 496 0{n:03d}"),
    "IE": ("+353 1 555 0{n:03d}", "+353 (0)87 555 0{n:03d}"),
    "DE": ("+49 30 9018 20{n:02d}", "+49 (0)89 2024 31{n:02d}", "030 901820{n:02d}"),
    "NL": ("+31 20 794 12{n:02d}", "+31 (0)6 1234 56{n:02d}"),
    "FR": ("+33 1 42 68 53 {n:02d}", "01 42 68 53 {n:02d}"),
    "ES": ("+34 912 345 6{n:02d}",),
    "CH": ("+41 44 668 18 {n:02d}",),
    "AU": ("+61 2 5550 1{n:03d}", "(02) 5550 1{n:03d}", "+61 491 570 1{n:02d}"),
}
FREEMAIL = (  # freelancers who work with customers from personal addresses
    ("Rafferty Dunmore", "rafferty.dunmore@gmail.com", "Independent Implementation Consultant"),
    ("Ximena Castellanos", "ximena.castellanos.consulting@outlook.com", "Procurement Advisor"),
)


def _address(first: str, last: str, domain: str, style: int) -> str:
    f, last_ = first.lower(), last.lower().replace("-", "")
    local = (f"{f}.{last_}", f"{f[0]}{last_}", f"{f}", f"{f}_{last_}")[style]
    return f"{local}@{domain}"


def _phone(rng: random.Random, country: str) -> str:
    return rng.choice(PHONES[country]).format(n=rng.randrange(100))


def _account_rows(scale: float) -> list[tuple[str, str, str, str]]:
    rows = list(ACCOUNTS)
    extra = int(len(ACCOUNTS) * (max(scale, 1.0) ** 0.5)) - len(ACCOUNTS)
    countries = [("US", "USD"), ("GB", "GBP"), ("DE", "EUR"), ("AU", "AUD")]
    for i in range(extra):  # bigger scales get more (still invented) customers
        p, s = PREFIXES[i % len(PREFIXES)], SUFFIXES[(i // len(PREFIXES)) % len(SUFFIXES)]
        n = i // (len(PREFIXES) * len(SUFFIXES))
        name = f"{p}{s}" + (f" {n + 2}" if n else "")
        domain = name.lower().replace(" ", "-") + "-example.com"
        rows.append((name, domain, *countries[i % len(countries)]))
    return rows


def build_accounts(rng: random.Random, scale: float = 1.0) -> tuple[SampleAccount, ...]:
    """Gives the customer accounts with 2-6 contacts each (about four on average)."""
    accounts = []
    used: set[tuple[str, str]] = set()
    for i, (name, domain, country, currency) in enumerate(_account_rows(scale)):
        style = rng.randrange(4) if i else 0
        people: list[SampleContact] = []
        titles = rng.sample(TITLES, k=min(len(TITLES), rng.choice((2, 3, 4, 4, 5, 6))))
        for title in titles:
            while True:
                first, last = rng.choice(FIRST), rng.choice(LAST)
                if (first, last) not in used or len(used) > 2000:
                    break
            used.add((first, last))
            host = domain
            if domain == SUBDOMAIN_ACCOUNT and not people:
                host = f"mail.{domain}"
            aliases: tuple[str, ...] = ()
            if domain == MERGE_ACCOUNT and not people:
                aliases = (_address(first, last, domain, 1 if style != 1 else 0),)
            people.append(SampleContact(
                name=f"{first} {last}", email=_address(first, last, host, style), title=title,
                phone=_phone(rng, country), company=name, account_domain=domain,
                aliases=aliases, plain_text=rng.random() < 0.25))
        senders = (f"mail.{domain}",) if domain == SUBDOMAIN_ACCOUNT else ()
        owner = SELLERS[i % 3 if i % 5 else 2 + (i % 2)].email  # AEs carry most accounts
        accounts.append(SampleAccount(name, domain, country, currency, owner, tuple(people),
                                      senders))
    for j, (name, email, title) in enumerate(FREEMAIL):
        acc = accounts[3 + j * 5]
        free = SampleContact(name, email, title, _phone(rng, acc.country), "", None,
                             plain_text=True)
        accounts[3 + j * 5] = SampleAccount(acc.name, acc.domain, acc.country, acc.currency,
                                            acc.owner_email, (*acc.contacts, free),
                                            acc.sender_domains)
    return tuple(accounts)
