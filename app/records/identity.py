"""Identity rules: who an address is (colleague, customer, automated, suppressed), and which
account a domain belongs to. Pure functions plus a per-tenant context loaded once per batch."""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources

import idna
import sqlalchemy as sa
import tldextract
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import Session

from app.db import HASH_KEY
from app.errors import BadRequest, StorylineError

from .models import ErasedAddress, Suppression, Tenant, TenantDomain, User

AUTOMATED_LOCALPARTS = re.compile(
    r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|mailer[-_.]daemon|postmaster|bounces?"
    r"|notifications?|notify|alerts?|automated|newsletter|news|marketing|info-?noreply)([-+_.].*)?$"
)
BULK_PRECEDENCE = {"bulk", "list", "junk"}
ADDRESS_IN_TEXT = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")


class InvalidAddress(BadRequest):
    """An email address that cannot be normalised."""

    code = "invalid_address"


@cache
def _extractor() -> tldextract.TLDExtract:
    # The bundled public-suffix snapshot only: no network fetch at run time.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@cache
def free_mail_domains() -> frozenset[str]:
    """Consumer mail domains (data file reviewed like code)."""
    text = resources.files("app.records").joinpath("data/freemail.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def normalize_address(raw: str) -> str:
    """Returns ``local@domain`` lower-cased with an ASCII (IDNA) domain; raises InvalidAddress.

    Accepts ``"Name <addr>"`` and surrounding whitespace, as pasted from mail clients.
    """
    if not isinstance(raw, str):
        raise InvalidAddress("an email address must be a string")
    return _normalized(raw)


@lru_cache(maxsize=65_536)
def _normalized(raw: str) -> str:
    """:func:`normalize_address` of a string, remembered: sync meets the same few thousand
    addresses on every page, and email_validator costs ~0.1 ms each (invalid ones are not
    remembered: they raise)."""
    text = unicodedata.normalize("NFC", raw).strip()
    if "<" in text and text.endswith(">"):
        text = text[text.rindex("<") + 1 : -1].strip()
    if not text or len(text) > 320:
        raise InvalidAddress("an email address must have 1 to 320 characters")
    try:
        result = validate_email(
            text, check_deliverability=False, allow_smtputf8=True, globally_deliverable=False
        )
    except EmailNotValidError as exc:
        raise InvalidAddress(f"not a valid email address: {exc}") from None
    domain = result.ascii_domain or idna.encode(result.domain, uts46=True).decode("ascii")
    return f"{result.local_part.lower()}@{domain.lower()}"


def domain_of(address: str) -> str:
    """The domain part of a normalised address."""
    return address.rsplit("@", 1)[1]


def is_public_suffix(domain: str) -> bool:
    """True for a bare public suffix (``com``, ``co.uk``): no sender's domain is ever one."""
    parts = _extractor()(f"x.{domain}")
    return bool(parts.suffix) and parts.suffix == domain and parts.domain == "x"


@lru_cache(maxsize=65_536)
def registrable_domain(domain: str) -> str:
    """The registrable domain (public-suffix aware): ``mail.foo.co.uk`` -> ``foo.co.uk``."""
    parts = _extractor()(domain)
    if parts.domain and parts.suffix:
        return f"{parts.domain}.{parts.suffix}"
    return domain


def account_name_from_domain(domain: str) -> str:
    """A readable account name guessed from its domain: ``harbourline-freight.com`` ->
    ``Harbourline Freight``."""
    label = _extractor()(domain).domain or domain.split(".")[0]
    return " ".join(part.capitalize() for part in re.split(r"[-_.]+", label) if part)


def name_key(name: str) -> str:
    """A comparison key for a person's name: case, accents, punctuation and order folded."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    if "," in folded:  # "Doe, Jane" -> "jane doe"
        last, _, first = folded.partition(",")
        folded = f"{first} {last}"
    return " ".join(re.findall(r"[a-z0-9]+", folded))


def address_hash(key: bytes, address: str) -> str:
    """The keyed hash (HMAC-SHA256, hex) an erased address is remembered by."""
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()


def session_hash_key(session: Session) -> bytes:
    """The erasure hash key the session was opened with; an error when there is none (an
    erasure that cannot be recognised again must not pass silently)."""
    key = session.info.get(HASH_KEY)
    if not key:
        raise StorylineError("no erasure key: open sessions through app.db.Database with "
                             "hash_key (STORYLINE_ERASURE_KEY)", code="erasure_key_missing")
    return bytes(key)


def mask(text: str) -> str:
    """What an erased address becomes in stored text: ``[erased]`` cut or padded to the
    address's length, so the evidence offsets into the text stay right."""
    return ("[erased]" + "*" * len(text))[: len(text)]


def is_automated(address: str, headers: Mapping[str, str] | None = None) -> bool:
    """True for bulk and automated senders: no-reply style addresses, list mail, auto replies."""
    local = address.split("@", 1)[0]
    if AUTOMATED_LOCALPARTS.match(local):
        return True
    if not headers:
        return False
    lowered = {k.lower(): v.strip().lower() for k, v in headers.items()}
    if "list-unsubscribe" in lowered or "list-id" in lowered:
        return True
    if lowered.get("precedence") in BULK_PRECEDENCE:
        return True
    auto = lowered.get("auto-submitted")
    return bool(auto and auto != "no")


@dataclass
class IdentityContext:
    """What the identity rules need to know about one tenant, loaded once per batch."""

    tenant_id: uuid.UUID
    contact_policy: str
    internal_domains: frozenset[str]
    users_by_email: dict[str, uuid.UUID] = field(default_factory=dict)
    suppressed: dict[str, list[uuid.UUID | None]] = field(default_factory=dict)
    erased: frozenset[str] = frozenset()  # keyed hashes of erased addresses
    hash_key: bytes = b""

    @classmethod
    def load(cls, session: Session, tenant_id: uuid.UUID) -> IdentityContext:
        """Reads the tenant's domains, users and suppressions."""
        tenant = session.get(Tenant, tenant_id)
        if tenant is None:
            raise BadRequest(f"unknown tenant {tenant_id}", code="unknown_tenant")
        domains = session.scalars(
            sa.select(TenantDomain.domain).where(TenantDomain.tenant_id == tenant_id)
        ).all()
        users = session.execute(
            sa.select(User.email, User.id).where(User.tenant_id == tenant_id)
        ).all()
        suppressed: dict[str, list[uuid.UUID | None]] = {}
        for value, user_id in session.execute(
            sa.select(Suppression.value, Suppression.user_id).where(
                Suppression.tenant_id == tenant_id
            )
        ):
            suppressed.setdefault(value, []).append(user_id)
        erased = frozenset(session.scalars(
            sa.select(ErasedAddress.address_hash).where(ErasedAddress.tenant_id == tenant_id)))
        return cls(
            tenant_id=tenant_id,
            contact_policy=tenant.contact_policy,
            internal_domains=frozenset(domains),
            users_by_email={email: uid for email, uid in users},
            suppressed=suppressed,
            erased=erased,
            hash_key=session_hash_key(session) if erased else b"",
        )

    def is_internal(self, address: str) -> bool:
        """True when the address belongs to the tenant (its domains or their subdomains)."""
        domain = domain_of(address)
        return any(domain == d or domain.endswith("." + d) for d in self.internal_domains)

    def is_suppressed(self, address: str, user_id: uuid.UUID | None = None) -> bool:
        """True when the address or its domain is blocked for the tenant or for this user,
        or the address belongs to an erased person."""
        if self.is_erased(address):
            return True
        domain = domain_of(address)
        for key in (address, domain, registrable_domain(domain)):
            for scope in self.suppressed.get(key, ()):
                if scope is None or scope == user_id:
                    return True
        return False

    def is_erased(self, address: str) -> bool:
        """True when the (normalised) address belongs to an erased person."""
        return bool(self.erased) and address_hash(self.hash_key, address) in self.erased

    def redact_erased(self, text: str) -> str:
        """``text`` with every erased person's address masked (see :func:`mask`)."""
        if not self.erased or "@" not in text:
            return text
        return ADDRESS_IN_TEXT.sub(
            lambda m: mask(m.group(0)) if self.is_erased(m.group(0).lower()) else m.group(0),
            text)

    def may_create_contact(self, direction: str) -> bool:
        """The contact auto-creation policy: from sent mail, from all mail, or never."""
        if self.contact_policy == "none":
            return False
        if self.contact_policy == "sent":
            return direction == "outbound"
        return True


def normalize_many(raw: Iterable[str]) -> list[str]:
    """Normalises addresses, raising InvalidAddress naming the first bad one."""
    return [normalize_address(a) for a in raw]
