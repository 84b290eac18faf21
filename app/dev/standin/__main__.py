"""``python -m app.dev.standin --port P [--sample]``: run the local Graph and identity stand-in."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from app.dev.standin.server import start


def main(argv: list[str] | None = None) -> None:
    """Parses the command line, starts the server and serves until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m app.dev.standin", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8443)
    parser.add_argument("--sample", action="store_true", help="load the sample company")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--tls-dir", type=Path, help="where to write the CA (default: temp)")
    parser.add_argument("--no-auth", action="store_true", help="accept Graph calls without "
                        "a bearer token")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    running = start(host=args.host, port=args.port, sample=args.sample, tls_dir=args.tls_dir,
                    quiet=not args.verbose, require_auth=not args.no_auth, scale=args.scale,
                    seed=args.seed, background=False)
    info = {"graph_url": running.graph_url, "authority_host": running.base_url,
            "authority": running.authority, "tenant_id": running.state.tenant_id,
            "ca_bundle": str(running.ca_path), "control": f"{running.base_url}/_standin"}
    (running.ca_path.parent / "standin.json").write_text(json.dumps(info, indent=2))
    print(json.dumps(info), flush=True)
    try:
        running.server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        running.server.server_close()


if __name__ == "__main__":
    main()
