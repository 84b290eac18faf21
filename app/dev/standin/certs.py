"""A throwaway certificate authority and server certificate, so the stand-in speaks https."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path

import trustme


@dataclass(frozen=True)
class TlsFiles:
    """Where the generated PEM files are: ``ca`` is what clients pass as their CA bundle."""

    ca: Path
    cert_chain: Path  # server certificate chain and private key, PEM

    def server_context(self) -> ssl.SSLContext:
        """Gives the server-side TLS context for the generated certificate."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(str(self.cert_chain))
        return context


def make_tls(directory: Path, hosts: tuple[str, ...] = ("127.0.0.1", "localhost")) -> TlsFiles:
    """Generates a CA and a certificate for ``hosts`` into ``directory`` and names the files."""
    directory.mkdir(parents=True, exist_ok=True)
    ca = trustme.CA(organization_name="Storyline local stand-in CA")
    cert = ca.issue_cert(*hosts)
    files = TlsFiles(ca=directory / "standin-ca.pem", cert_chain=directory / "standin-server.pem")
    ca.cert_pem.write_to_path(str(files.ca))
    cert.private_key_and_cert_chain_pem.write_to_path(str(files.cert_chain))
    return files
