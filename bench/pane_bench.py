"""Task pane speed: time from selecting an item in the browser preview to the fully rendered
story (DOM built and the next frame painted), measured inside headless Chromium on the
invented sample company loaded through the stand-in and the real sync. Target: p95 < 300 ms.

    python -m bench.pane_bench [--selections 200] [--fresh] [--database-url URL]

One JSON line per figure. The sample database is cached in bench/out/pane_sample/ (delete it
or pass --fresh to reload). Needs Debian's chromium at /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "pane_sample"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
TARGET_P95_MS = 300.0
WARMUP = 5

# Clicks one inbox row and resolves when the pane has rendered that item and painted it.
MEASURE_JS = """
async (index) => {
  const pane = document.getElementById('pane').contentWindow;
  const row = document.querySelectorAll('.msg')[index];
  const id = row.dataset.id;
  const done = new Promise((resolve) => {
    const on = (e) => {
      if (e.detail.item !== id || e.detail.state === 'loading') return;
      pane.removeEventListener('storyline:rendered', on);
      resolve(e.detail);
    };
    pane.addEventListener('storyline:rendered', on);
  });
  const t0 = performance.timeOrigin + performance.now();
  row.click();
  const detail = await done;
  await new Promise((r) => pane.requestAnimationFrame(() => pane.setTimeout(r, 0)));
  const t1 = performance.timeOrigin + performance.now();
  return { state: detail.state, rendered: detail.at - t0, painted: t1 - t0 };
}
"""


def emit(**figure: Any) -> None:
    """Prints one figure as a JSON line."""
    print(json.dumps({"bench": "pane", **figure}), flush=True)


def log(message: str) -> None:
    """A progress note (not a figure)."""
    print(f"# {message}", flush=True)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def sample_database(fresh: bool) -> str:
    """The URL of a SQLite database holding the sample company (loaded once, then cached)."""
    from app import create_app
    from app import extensions as context
    from app.dev.demo import load_sample_company
    from app.migrate import upgrade

    db_file = OUT / "storyline.db"
    url = f"sqlite:///{db_file}"
    if db_file.exists() and not fresh:
        return url
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("storyline.db*"):
        old.unlink()
    log("loading the sample company through the stand-in and sync (about 30 s)")
    flask_app = create_app({"database_url": url, "instance_path": OUT})
    db = context.database(flask_app)
    upgrade(db.engine)
    summary = load_sample_company(flask_app.config["STORYLINE"], db, reset=True, extract=True)
    log(f"sample loaded: {summary}")
    db.dispose()
    return url


def run(url: str, selections: int) -> list[dict[str, Any]]:
    """Serves the app on a loopback port and measures ``selections`` item selections."""
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from app import extensions as context
    from app.dev import create_app

    flask_app = create_app({"database_url": url, "instance_path": OUT, "log_level": "WARNING"})
    server = make_server("127.0.0.1", 0, flask_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    results: list[dict[str, Any]] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"http://127.0.0.1:{server.server_port}/")
            page.locator(".msg").first.wait_for()
            page.frame_locator("#pane").locator("main#pane[data-item]").wait_for()
            sellers = page.eval_on_selector_all("#seller option", "os => os.map(o => o.value)")
            per_seller = max(1, selections // max(1, len(sellers)))
            for seller in sellers:
                page.select_option("#seller", seller)
                page.wait_for_function(
                    "s => document.querySelector('#seller').value === s && "
                    "document.querySelectorAll('.msg').length > 0", arg=seller)
                page.wait_for_timeout(300)
                rows = page.locator(".msg").count()
                for i in range(per_seller):
                    results.append(page.evaluate(MEASURE_JS, (i * 7 + 1) % rows))
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
        context.database(flask_app).dispose()
    return results


def main(argv: list[str] | None = None) -> None:
    """Measures and prints p50/p95 of selection-to-rendered-story in the preview."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--selections", type=int, default=200)
    parser.add_argument("--fresh", action="store_true", help="reload the sample database")
    parser.add_argument("--database-url", default=None, help="use this database as it is")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        log(f"skipping the pane benchmark: no Chromium at {CHROMIUM}")
        return
    started = time.perf_counter()
    url = args.database_url or sample_database(args.fresh)
    results = run(url, args.selections + WARMUP)[WARMUP:]
    stories = [r for r in results if r["state"] == "ready"]
    emit(metric="selections", value=len(results), stories=len(stories),
         other_states=len(results) - len(stories))
    for field, name in (("painted", "select_to_painted_story_ms"),
                        ("rendered", "select_to_rendered_story_ms")):
        values = [r[field] for r in stories]
        if not values:
            continue
        for q in (50, 95):
            value = round(_percentile(values, q), 1)
            emit(metric=name, stat=f"p{q}", value=value, n=len(values),
                 **({"target": TARGET_P95_MS, "met": value < TARGET_P95_MS} if q == 95 else {}))
        emit(metric=name, stat="mean", value=round(statistics.fmean(values), 1), n=len(values))
    log(f"pane benchmark done in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
