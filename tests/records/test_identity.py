"""Identity rules: addresses, domains, automated senders."""

from __future__ import annotations

import pytest

from app.records.identity import (
    InvalidAddress,
    account_name_from_domain,
    is_automated,
    name_key,
    normalize_address,
    registrable_domain,
)


@pytest.mark.parametrize("raw, expected", [
    ("Jane.Doe@Example.COM", "jane.doe@example.com"),
    ("  jane@example.com\t", "jane@example.com"),
    ("Jane Doe <jane@example.com>", "jane@example.com"),
    ("jan@münchen-bau.de", "jan@xn--mnchen-bau-9db.de"),
])
def test_addresses_are_normalised(raw: str, expected: str) -> None:
    assert normalize_address(raw) == expected


@pytest.mark.parametrize("raw", ["", "plain", "a@", "@b.com", "a b@c.com", "x" * 400 + "@a.com"])
def test_malformed_addresses_are_refused(raw: str) -> None:
    with pytest.raises(InvalidAddress):
        normalize_address(raw)


@pytest.mark.parametrize("domain, registrable", [
    ("harbourline-freight.com", "harbourline-freight.com"),
    ("mail.harbourline-freight.com", "harbourline-freight.com"),
    ("kestrelfoods.co.uk", "kestrelfoods.co.uk"),
    ("eu.mail.kestrelfoods.co.uk", "kestrelfoods.co.uk"),
])
def test_accounts_come_from_registrable_domains(domain: str, registrable: str) -> None:
    assert registrable_domain(domain) == registrable


def test_account_names_are_readable() -> None:
    assert account_name_from_domain("harbourline-freight.com") == "Harbourline Freight"
    assert account_name_from_domain("kestrelfoods.co.uk") == "Kestrelfoods"


@pytest.mark.parametrize("address, headers, automated", [
    ("no-reply@vendor.com", {}, True),
    ("noreply@vendor.com", {}, True),
    ("mailer-daemon@mx.vendor.com", {}, True),
    ("jonas@vendor.com", {"List-Unsubscribe": "<mailto:x@vendor.com>"}, True),
    ("jonas@vendor.com", {"Precedence": "bulk"}, True),
    ("jonas@vendor.com", {"Auto-Submitted": "auto-replied"}, True),
    ("jonas@vendor.com", {"Auto-Submitted": "no"}, False),
    ("jonas@vendor.com", {}, False),
])
def test_bulk_and_automated_senders_are_recognised(address, headers, automated) -> None:
    assert is_automated(address, headers) is automated


def test_names_compare_regardless_of_order_case_and_accents() -> None:
    assert name_key("Weber, Jönas") == name_key("jonas WEBER") == "jonas weber"
