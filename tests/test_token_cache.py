"""The token validator keeps a valid token's principal per token text (issue 16: the RS256
check was ~0.3 ms of every request) without accepting anything the full check would refuse:
not past its expiry, not another token however alike, not a token that failed once."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest

from app.auth import tokens
from app.auth.local_keys import LocalSigner
from app.auth.tokens import LEEWAY_SECONDS, StaticKeys, TokenValidator
from app.errors import Unauthorized

TENANT, OID = uuid.UUID(int=1), uuid.UUID(int=2)


@pytest.fixture
def signer(tmp_path: Path) -> LocalSigner:
    return LocalSigner.load_or_create(tmp_path, "https://login.test", "api://storyline")


def _validator(signer: LocalSigner, **kw: float) -> TokenValidator:
    return TokenValidator(keys=StaticKeys(signer.jwks()), audience=signer.audience,
                          issuer_for=signer.issuer, required_scope="access_as_user", **kw)


class _Counting(StaticKeys):
    calls = 0

    def key_for(self, token: str) -> object:
        type(self).calls += 1
        return super().key_for(token)


def test_a_valid_token_is_checked_once_and_gives_the_same_principal(signer) -> None:
    validator = _validator(signer)
    validator.keys = _Counting(signer.jwks())
    _Counting.calls = 0
    token = signer.mint(tenant_id=TENANT, oid=OID, username="Maya@Example.test")
    first = validator.validate(token)
    assert validator.validate(token) is first
    assert first.tenant_id == TENANT and first.oid == OID and first.username == "maya@example.test"
    assert _Counting.calls == 1


def test_a_kept_token_is_refused_once_it_expires(signer) -> None:
    validator = _validator(signer)
    # a token that the full check still passes for about a second (its leeway included)
    issued = time.time() - 3600
    token = signer.mint(tenant_id=TENANT, oid=OID, username="maya@example.test",
                        ttl=3600 - LEEWAY_SECONDS + 1, now=issued)
    validator.validate(token)
    validator.validate(token)
    time.sleep(1.5)
    with pytest.raises(Unauthorized) as refused:
        validator.validate(token)
    assert refused.value.code == "token_expired"


def test_a_token_is_kept_no_longer_than_the_cache_allows(signer, monkeypatch) -> None:
    validator = _validator(signer, cache_seconds=30)
    validator.keys = _Counting(signer.jwks())
    _Counting.calls = 0
    token = signer.mint(tenant_id=TENANT, oid=OID, username="maya@example.test")
    now = time.time()
    validator.validate(token)
    monkeypatch.setattr(tokens.time, "time", lambda: now + 31)
    validator.validate(token)  # checked again in full (still valid)
    assert _Counting.calls == 2


def test_a_tampered_copy_of_a_kept_token_is_checked_in_full_and_refused(signer,
                                                                        tmp_path) -> None:
    validator = _validator(signer)
    token = signer.mint(tenant_id=TENANT, oid=OID, username="maya@example.test")
    validator.validate(token)
    head, body, sig = token.split(".")
    tampered = ".".join((head, body, sig[:-4] + ("AAAA" if sig[-4:] != "AAAA" else "BBBB")))
    with pytest.raises(Unauthorized):
        validator.validate(tampered)
    forger = LocalSigner.load_or_create(tmp_path / "forger", signer.issuer_base,
                                        signer.audience)
    with pytest.raises(Unauthorized):
        validator.validate(forger.mint(tenant_id=TENANT, oid=OID, username="maya@example.test"))


def test_a_refused_token_is_not_kept(signer) -> None:
    validator = _validator(signer)
    wrong = LocalSigner(signer._key, signer.issuer_base, "api://someone-else") \
        .mint(tenant_id=TENANT, oid=OID, username="maya@example.test")
    for _ in range(2):
        with pytest.raises(Unauthorized):
            validator.validate(wrong)
    assert validator._valid == {}


def test_the_cache_stays_bounded(signer) -> None:
    validator = _validator(signer, cache_max=3)
    for n in range(10):
        validator.validate(signer.mint(tenant_id=TENANT, oid=uuid.UUID(int=100 + n),
                                       username=f"s{n}@example.test"))
        assert len(validator._valid) <= 3
