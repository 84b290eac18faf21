"""gunicorn's own refusals (request line too long, too many headers, not HTTP) come in the
one JSON error shape, under the project's gunicorn.conf.py."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """gunicorn with gunicorn.conf.py, one worker, on a free port."""
    port, folder = _free_port(), tmp_path_factory.mktemp("gunicorn")
    env = {**os.environ, "STORYLINE_INSTANCE_PATH": str(folder), "STORYLINE_SCHEDULER": "off",
           "STORYLINE_DATABASE_URL": f"sqlite:///{folder / 'g.db'}"}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                             "--workers", "1", "--bind", f"127.0.0.1:{port}", "app:create_app()"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    yield port
    proc.terminate()
    proc.wait(timeout=20)


def _raw(port: int, request: bytes) -> tuple[int, str, dict]:
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(request)
        answer = b""
        while part := sock.recv(65536):
            answer += part
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1])
    ctype = next((line.split(b":", 1)[1].strip().decode() for line in head.split(b"\r\n")
                  if line.lower().startswith(b"content-type")), "")
    return status, ctype, json.loads(body)


@pytest.mark.slow
@pytest.mark.parametrize("request_bytes, status", [
    (b"GET /healthz?" + b"a" * 10_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"".join(
        b"X-H%d: v\r\n" % i for i in range(200)) + b"\r\n", 431),
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"v" * 20_000 + b"\r\n\r\n", 431),
    (b"NOT AN HTTP REQUEST\r\n\r\n", 400),
])
def test_gunicorns_own_refusals_are_json(server: int, request_bytes: bytes, status: int) -> None:
    got, ctype, body = _raw(server, request_bytes)
    assert got == status and ctype == "application/json"
    assert set(body) == {"error"} and body["error"]["code"] and body["error"]["message"]
