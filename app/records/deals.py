"""Deals kept by hand or brought from another CRM: create, update, close, import from CSV.

Only a Storyline admin or the deal's owner changes a deal's terms or closes it (moving its
stage from the pane stays open to every seller, see :mod:`app.records.actions`). An import
checks every row first and writes nothing unless all are good.
"""

from __future__ import annotations

import csv
import io
import statistics
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from app.errors import BadRequest, Forbidden, NotFound

from .actions import set_deal_stage
from .contacts import account_for_domain, ensure_account
from .identity import InvalidAddress, free_mail_domains, normalize_address, registrable_domain
from .models import DEAL_STAGES, AccountDomain, Deal, DealStageChange, User, new_id, utcnow

CLOSED_STAGES = ("won", "lost")
CSV_COLUMNS = ("account_domain", "name", "stage", "amount", "currency", "close_date",
               "owner_email")
MAX_IMPORT_ROWS = 50_000
CENTS = Decimal("0.01")
# A deal is going stale when its stage age passes STALE_STAGE_FACTOR x the tenant's median
# for that stage (a median needs MIN_STAGE_DEALS deals that left it; else STALE_STAGE_DAYS),
# or nobody wrote both ways for STALE_TOUCH_DAYS. The story and the nudges share this rule.
STALE_STAGE_FACTOR = 1.5
STALE_STAGE_DAYS = 60
STALE_TOUCH_DAYS = 21
MIN_STAGE_DEALS = 3
STAGE_SAMPLE = 500  # the newest stays per stage the median is taken over


@dataclass(frozen=True)
class DealTerms:
    """What a deal is: its account (by domain), name, stage, value, close date and owner.
    ``None`` in an update means "leave as it is"."""

    account_domain: str | None = None
    name: str | None = None
    stage: str | None = None
    amount: Decimal | None = None
    currency: str | None = None
    close_date: date | None = None
    owner_email: str | None = None


@dataclass
class RowProblem:
    """Why one line of an import cannot be taken."""

    line: int
    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"line {self.line}: " + "; ".join(self.problems)


def _owner_id(session: Session, tenant_id: uuid.UUID, email: str) -> uuid.UUID:
    try:
        address = normalize_address(email)
    except InvalidAddress as err:
        raise BadRequest(f"owner_email: not an address: {email!r}",
                         code="invalid_owner") from err
    owner = session.scalar(sa.select(User.id).where(User.tenant_id == tenant_id,
                                                    User.email == address))
    if owner is None:
        raise BadRequest(f"owner_email: {address} is not a seller of this tenant",
                         code="invalid_owner")
    return owner


def _check_terms(terms: DealTerms) -> None:
    if terms.stage is not None and terms.stage not in DEAL_STAGES:
        raise BadRequest(f"stage must be one of {', '.join(DEAL_STAGES)}", code="invalid_stage")
    if terms.amount is not None and terms.amount < 0:
        raise BadRequest("amount cannot be negative", code="invalid_amount")
    if terms.currency is not None and not (len(terms.currency) == 3
                                           and terms.currency.isalpha()):
        raise BadRequest("currency is a three-letter code such as EUR", code="invalid_currency")
    if terms.name is not None and not terms.name.strip():
        raise BadRequest("name cannot be empty", code="invalid_request")


def _may_change(deal: Deal, actor: uuid.UUID | None, is_admin: bool) -> None:
    if not is_admin and (actor is None or deal.owner_user_id != actor):
        raise Forbidden("only the deal's owner or a Storyline admin can change or close it",
                        code="not_deal_owner")


def create_deal(session: Session, *, tenant_id: uuid.UUID, terms: DealTerms,
                actor: uuid.UUID | None, is_admin: bool) -> Deal:
    """Creates a deal on the account of its domain (created if new); a seller creates deals
    they own, an admin for any seller."""
    _check_terms(terms)
    if not terms.account_domain or not terms.name:
        raise BadRequest("account_domain and name are required", code="invalid_request")
    owner = _owner_id(session, tenant_id, terms.owner_email) if terms.owner_email else actor
    if not is_admin and owner != actor:
        raise Forbidden("a seller creates deals they own; an admin can name another owner",
                        code="not_deal_owner")
    account = ensure_account(session, tenant_id=tenant_id, domain=terms.account_domain)
    if account is None:
        raise BadRequest(f"{terms.account_domain} is a free-mail domain, not an account",
                         code="invalid_domain")
    stage, now = terms.stage or "lead", utcnow()
    deal = Deal(tenant_id=tenant_id, id=new_id(), account_id=account.id,
                name=terms.name.strip()[:200], stage=stage, amount=terms.amount,
                currency=terms.currency.upper() if terms.currency else None,
                close_date=terms.close_date, owner_user_id=owner, stage_changed_at=now,
                created_at=now)
    session.add(deal)
    session.add(DealStageChange(tenant_id=tenant_id, deal_id=deal.id, from_stage=None,
                                to_stage=stage, changed_at=now, changed_by=actor))
    session.flush()
    return deal


def update_deal(session: Session, *, tenant_id: uuid.UUID, deal_id: uuid.UUID,
                terms: DealTerms, actor: uuid.UUID | None, is_admin: bool) -> Deal:
    """Changes the terms given (name, value, close date, owner, stage); the owner or an
    admin only."""
    _check_terms(terms)
    deal = session.get(Deal, (tenant_id, deal_id))
    if deal is None:
        raise NotFound("no deal with that id")
    _may_change(deal, actor, is_admin)
    if terms.account_domain is not None:
        raise BadRequest("a deal stays on its account; create a new deal instead",
                         code="invalid_request")
    if terms.owner_email is not None:
        deal.owner_user_id = _owner_id(session, tenant_id, terms.owner_email)
    if terms.name is not None:
        deal.name = terms.name.strip()[:200]
    if terms.amount is not None:
        deal.amount = terms.amount
    if terms.currency is not None:
        deal.currency = terms.currency.upper()
    if terms.close_date is not None:
        deal.close_date = terms.close_date
    if terms.stage is not None:
        set_deal_stage(session, tenant_id=tenant_id, deal_id=deal_id, stage=terms.stage,
                       actor=actor)
    session.flush()
    return deal


def close_deal(session: Session, *, tenant_id: uuid.UUID, deal_id: uuid.UUID, outcome: str,
               actor: uuid.UUID | None, is_admin: bool, on: date | None = None) -> Deal:
    """Closes a deal as won or lost, dated today unless ``on`` is given."""
    if outcome not in CLOSED_STAGES:
        raise BadRequest("outcome is won or lost", code="invalid_stage")
    return update_deal(session, tenant_id=tenant_id, deal_id=deal_id, actor=actor,
                       is_admin=is_admin, terms=DealTerms(stage=outcome,
                                                          close_date=on or utcnow().date()))


# -- import ------------------------------------------------------------------------------


@dataclass
class ImportReport:
    """What an import found: the rows it would take (or took) and the lines it refused."""

    created: int = 0
    updated: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every row can be taken."""
        return not self.problems


def _parse_row(session: Session, tenant_id: uuid.UUID, row: dict[str, str],
               sellers: dict[str, uuid.UUID]) -> tuple[DealTerms, list[str]]:
    problems: list[str] = []
    value = {k: (row.get(k) or "").strip() for k in CSV_COLUMNS}
    domain = value["account_domain"].lower().lstrip("@")
    if not domain or "." not in domain or " " in domain:
        problems.append(f"account_domain: {value['account_domain']!r} is not a domain")
    elif registrable_domain(domain) in free_mail_domains():
        problems.append(f"account_domain: {domain} is a free-mail domain, not an account")
    if not value["name"]:
        problems.append("name: empty")
    elif len(value["name"]) > 200:
        problems.append("name: longer than 200 characters")
    stage = value["stage"].lower() or "lead"
    if stage not in DEAL_STAGES:
        problems.append(f"stage: {value['stage']!r} is not one of {', '.join(DEAL_STAGES)}")
    amount = None
    if value["amount"]:
        try:
            amount = Decimal(value["amount"].replace(",", ""))
            if amount < 0 or not amount.is_finite() or amount >= Decimal("1e12"):
                raise InvalidOperation
            amount = amount.quantize(CENTS)
        except InvalidOperation:
            problems.append(f"amount: {value['amount']!r} is not an amount")
            amount = None
    currency = value["currency"].upper() or None
    if currency and not (len(currency) == 3 and currency.isalpha()):
        problems.append(f"currency: {value['currency']!r} is not a three-letter code")
    close = None
    if value["close_date"]:
        try:
            close = date.fromisoformat(value["close_date"])
        except ValueError:
            problems.append(f"close_date: {value['close_date']!r} is not a date (YYYY-MM-DD)")
    owner = value["owner_email"].lower() or None
    if owner and owner not in sellers:
        problems.append(f"owner_email: {owner} is not a seller of this tenant")
    terms = DealTerms(account_domain=domain, name=value["name"], stage=stage, amount=amount,
                      currency=currency, close_date=close, owner_email=owner)
    return terms, problems


def import_deals_csv(session: Session, *, tenant_id: uuid.UUID, text: str,
                     actor: uuid.UUID | None = None, dry_run: bool = False) -> ImportReport:
    """Checks every line of a deals CSV (columns :data:`CSV_COLUMNS`, header first); if all
    are good and this is not a dry run, creates the deals, or updates the one of the same
    name on the same account. One bad line and nothing is written."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in ("account_domain", "name") if c not in header]
    report = ImportReport()
    if missing:
        report.problems.append(RowProblem(1, [f"header: missing column(s) "
                                              f"{', '.join(missing)}; expected "
                                              f"{','.join(CSV_COLUMNS)}"]))
        return report
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if unknown:
        report.problems.append(RowProblem(1, [f"header: unknown column(s) {', '.join(unknown)}"]))
        return report
    sellers = dict(session.execute(sa.select(User.email, User.id).where(
        User.tenant_id == tenant_id)).all())
    parsed: list[tuple[int, DealTerms]] = []
    seen: dict[tuple[str, str], int] = {}
    for row in reader:
        line = reader.line_num
        if len(parsed) + len(report.problems) >= MAX_IMPORT_ROWS:
            report.problems.append(RowProblem(line, [f"more than {MAX_IMPORT_ROWS} rows: "
                                                     "split the file"]))
            break
        if None in row:
            report.problems.append(RowProblem(line, ["more values than columns"]))
            continue
        terms, problems = _parse_row(session, tenant_id, {k.strip(): v for k, v in row.items()
                                                          if k is not None and v is not None},
                                     sellers)
        key = (terms.account_domain or "", (terms.name or "").lower())
        if not problems and key in seen:
            problems.append(f"the same deal as line {seen[key]}")
        seen.setdefault(key, line)
        if problems:
            report.problems.append(RowProblem(line, problems))
        else:
            parsed.append((line, terms))
    existing = _existing_deals(session, tenant_id, [t for _l, t in parsed])
    for _line, terms in parsed:
        deal = existing.get((terms.account_domain or "", (terms.name or "").lower()))
        if deal is None:
            report.created += 1
        else:
            report.updated += 1
    if not report.ok or dry_run:
        return report
    with session.begin_nested():  # all rows or none
        for _line, terms in parsed:
            deal = existing.get((terms.account_domain or "", (terms.name or "").lower()))
            if deal is None:
                create_deal(session, tenant_id=tenant_id, actor=actor, is_admin=True,
                            terms=terms)
            else:
                update_deal(session, tenant_id=tenant_id, deal_id=deal.id, actor=actor,
                            is_admin=True, terms=replace(terms, account_domain=None))
    return report


def _existing_deals(session: Session, tenant_id: uuid.UUID,
                    rows: list[DealTerms]) -> dict[tuple[str, str], Deal]:
    domains = {t.account_domain for t in rows if t.account_domain}
    if not domains:
        return {}
    accounts: dict[uuid.UUID, str] = {}
    for domain in domains:
        account = account_for_domain(session, tenant_id=tenant_id, domain=domain)
        if account is not None:
            accounts[account.id] = domain
    out: dict[tuple[str, str], Deal] = {}
    if accounts:
        for deal in session.scalars(sa.select(Deal).where(
                Deal.tenant_id == tenant_id, Deal.account_id.in_(list(accounts)))):
            out[(accounts[deal.account_id], deal.name.lower())] = deal
    return out


def deal_domains(session: Session, *, tenant_id: uuid.UUID) -> dict[uuid.UUID, str]:
    """The first domain of each account (for exports)."""
    out: dict[uuid.UUID, str] = {}
    for account_id, domain in session.execute(sa.select(
            AccountDomain.account_id, AccountDomain.domain).where(
            AccountDomain.tenant_id == tenant_id).order_by(AccountDomain.domain)):
        out.setdefault(account_id, domain)
    return out


def terms_from_json(body: dict[str, Any]) -> DealTerms:
    """DealTerms from a validated API body (amount as a string or number)."""
    amount = body.get("amount")
    return DealTerms(
        account_domain=body.get("account_domain"), name=body.get("name"),
        stage=body.get("stage"),
        amount=Decimal(str(amount)).quantize(CENTS) if amount is not None else None,
        currency=body.get("currency"), close_date=body.get("close_date"),
        owner_email=body.get("owner_email"))


@dataclass(frozen=True)
class StageMedian:
    """How long deals of the tenant stayed in a stage before leaving it."""

    days: float | None  # the median, None with fewer than MIN_STAGE_DEALS deals
    deals: int  # how many deals the stays came from


def deal_staleness(*, stage: str, days_in_stage: int, stage_median_days: float | None,
                   stage_deals: int, last_two_way: datetime | None, now: datetime,
                   days_open: int | None = None) -> tuple[bool, str | None]:
    """Whether an open deal is going stale, and why in the seller's words (None if not).

    Stale when ``days_in_stage`` is above 1.5x ``stage_median_days`` (the tenant's median
    for ``stage``, from ``stage_deals`` deals; with fewer than 3 it falls back to a fixed 60
    days and says so), or when the last two-way touch is more than 21 days before ``now``
    (with none at all: once the deal is older than that; ``days_open`` defaults to its stage
    age). Pure, so the story's flag and the cold-deal nudge cannot disagree.
    """
    reasons: list[str] = []
    where = stage.replace("_", " ")
    if stage_median_days is not None and stage_deals >= MIN_STAGE_DEALS:
        if days_in_stage > STALE_STAGE_FACTOR * stage_median_days:
            reasons.append(f"{days_in_stage} days in {where}, over 1.5x the usual "
                           f"{stage_median_days:.0f} (median of {stage_deals} deals)")
    elif days_in_stage > STALE_STAGE_DAYS:
        reasons.append(f"{days_in_stage} days in {where}, over {STALE_STAGE_DAYS} days (too "
                       f"few deals have left {where} for a median)")
    if last_two_way is not None:
        quiet = (now - last_two_way).days
        if quiet > STALE_TOUCH_DAYS:
            reasons.append(f"no two-way touch in {quiet} days")
    elif (days_open if days_open is not None else days_in_stage) > STALE_TOUCH_DAYS:
        reasons.append("no two-way touch yet")
    return (True, "; ".join(reasons)) if reasons else (False, None)


def stage_medians(session: Session, *, tenant_id: uuid.UUID,
                  stages: list[str]) -> dict[str, StageMedian]:
    """Per stage, the median days the tenant's deals stayed in it before moving on, from
    their stage history (the newest STAGE_SAMPLE stays; a stay still going does not count)."""
    out: dict[str, StageMedian] = {}
    left, came = DealStageChange, aliased(DealStageChange)
    entered = sa.select(sa.func.max(came.changed_at)).where(
        came.tenant_id == left.tenant_id, came.deal_id == left.deal_id,
        came.to_stage == left.from_stage, came.changed_at <= left.changed_at,
    ).scalar_subquery()
    for stage in dict.fromkeys(stages):
        rows = session.execute(
            sa.select(left.deal_id, entered.label("entered"), left.changed_at)
            .where(left.tenant_id == tenant_id, left.from_stage == stage)
            .order_by(left.changed_at.desc()).limit(STAGE_SAMPLE)).all()
        stays = [(r.changed_at - r.entered).total_seconds() / 86400 for r in rows
                 if r.entered is not None]
        deals = len({r.deal_id for r in rows if r.entered is not None})
        out[stage] = StageMedian(days=statistics.median(stays) if stays and
                                 deals >= MIN_STAGE_DEALS else None, deals=deals)
    return out
