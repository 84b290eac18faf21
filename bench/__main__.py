"""``make bench`` (``python -m bench``): the story benchmark, then every other benchmark module
that exists (extraction, sync, the task pane), each printing one JSON line per figure.

    python -m bench                          # everything, full scale
    python -m bench --only story --scale 0.05 --db sqlite --duration 5   # a quick check
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import time

from . import story_bench

OTHERS = ("extract", "sync", "pane")


def _run_other(name: str) -> None:
    """Runs ``bench/<name>_bench.py``'s ``main()``, or says why it was skipped."""
    module_name = f"bench.{name}_bench"
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        print(f"# skipping {name}: {module_name} cannot be imported ({exc})", flush=True)
        return
    main = getattr(module, "main", None)
    if not callable(main):
        print(f"# skipping {name}: {module_name} has no main()", flush=True)
        return
    started = time.perf_counter()
    # Our own flags are not theirs: hand an empty argv to a main() that parses one.
    main([]) if inspect.signature(main).parameters else main()
    print(f"# {name} benchmark done in {time.perf_counter() - started:.0f} s", flush=True)


def main(argv: list[str] | None = None) -> None:
    """Parses the options and runs the chosen benchmarks in order."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=("story", *OTHERS),
                        help="run only this benchmark (repeatable); default: all")
    story_bench.add_arguments(parser)
    args = parser.parse_args(argv)
    chosen = args.only or ["story", *OTHERS]
    if "story" in chosen:
        story_bench.run(args)
    for name in OTHERS:
        if name in chosen:
            _run_other(name)


if __name__ == "__main__":
    main()
