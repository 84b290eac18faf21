"""The local signing key: used when no Entra app is configured, so development, the browser
preview and the tests run the same token validation as production."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import time
import uuid
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

KEY_FILE = "local-signing-key.pem"


class LocalSigner:
    """An RSA key kept under the instance folder (created on first use, mode 0600)."""

    def __init__(self, private_key: rsa.RSAPrivateKey, issuer_base: str, audience: str) -> None:
        self._key = private_key
        self.issuer_base, self.audience = issuer_base.rstrip("/"), audience
        pub = private_key.public_key().public_numbers()
        self._jwk = {
            "kty": "RSA", "use": "sig", "alg": "RS256",
            "n": _b64(pub.n.to_bytes((pub.n.bit_length() + 7) // 8, "big")),
            "e": _b64(pub.e.to_bytes((pub.e.bit_length() + 7) // 8, "big")),
        }
        thumb = json.dumps({k: self._jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"))
        self._jwk["kid"] = _b64(hashlib.sha256(thumb.encode()).digest())

    @classmethod
    def load_or_create(cls, instance_path: Path, issuer_base: str, audience: str) -> LocalSigner:
        """Reads the key from the instance folder, creating it the first time."""
        path = instance_path / KEY_FILE
        if path.exists():
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            assert isinstance(key, rsa.RSAPrivateKey)
        else:
            instance_path.mkdir(parents=True, exist_ok=True)
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
            tmp = path.with_suffix(f".{os.getpid()}.{secrets.token_hex(4)}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(pem)
            try:  # a hard link creates the file only if it is absent: one process wins
                os.link(tmp, path)
            except FileExistsError:  # another worker created it first: everyone uses that
                return cls.load_or_create(instance_path, issuer_base, audience)
            finally:
                tmp.unlink(missing_ok=True)
        return cls(key, issuer_base, audience)

    def issuer(self, tenant_id: str) -> str:
        """The issuer of tokens for a tenant, shaped like Entra's v2 issuer."""
        return f"{self.issuer_base}/{tenant_id}/v2.0"

    def jwks(self) -> dict[str, Any]:
        """The public keys, as a JWKS document."""
        return {"keys": [dict(self._jwk)]}

    def mint(self, *, tenant_id: uuid.UUID, oid: uuid.UUID, username: str, name: str = "",
             scopes: str = "access_as_user", ttl: int = 3600, now: float | None = None,
             roles: tuple[str, ...] = ()) -> str:
        """A signed access token with the claims Entra would put in one."""
        issued = int(now if now is not None else time.time())
        claims = {
            "aud": self.audience, "iss": self.issuer(str(tenant_id)), "iat": issued,
            "nbf": issued, "exp": issued + ttl, "tid": str(tenant_id), "oid": str(oid),
            "preferred_username": username, "name": name, "scp": scopes, "ver": "2.0",
        }
        if roles:
            claims["roles"] = list(roles)
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self._jwk["kid"]})


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
