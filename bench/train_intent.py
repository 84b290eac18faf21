"""Kept for the old command: the intent model is gone; the sentence model replaces it.

    .venv/bin/python -m bench.train_intent    # the same as `make train` (python -m eval.train)
"""

from __future__ import annotations

import sys

from eval.train import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
