"""gunicorn settings for Storyline (read from the working directory by default).

Sync workers, two per core plus one: a story request spends part of its time waiting on
PostgreSQL, so more workers than cores keep both cores busy. Override on the command line
(``--workers N``) where memory is tight: a worker that has analysed a draft holds the spaCy
pipeline (~160 MB).
"""

import multiprocessing

from app.serving import install_json_errors

install_json_errors()  # gunicorn's own 400/414/431 answers in the one JSON error shape

bind = "127.0.0.1:5000"
workers = 2 * multiprocessing.cpu_count() + 1
worker_class = "sync"
timeout = 30
graceful_timeout = 20
keepalive = 5
max_requests = 10_000  # recycle workers now and then; bounded memory growth
max_requests_jitter = 1_000


def post_worker_init(worker):  # noqa: ANN001, ANN201 - gunicorn's hook signature
    """Each worker may run the inline scheduler (no broker); one of them leads at a time."""
    from app.extensions import start_scheduler

    start_scheduler(worker.wsgi)


def worker_exit(server, worker):  # noqa: ANN001, ANN201, ARG001 - gunicorn's hook signature
    """Hands the schedule to another worker and lets a job in flight finish."""
    from app.extensions import stop_scheduler

    stop_scheduler(getattr(worker, "wsgi", None))
