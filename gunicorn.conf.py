"""gunicorn settings for Storyline (read from the working directory by default).

Sync workers, two per core plus one: a story request spends part of its time waiting on
PostgreSQL, so more workers than cores keep both cores busy. Override on the command line
(``--workers N``) where memory is tight: a worker that has analysed a draft holds the spaCy
pipeline (~160 MB).
"""

import multiprocessing

bind = "127.0.0.1:5000"
workers = 2 * multiprocessing.cpu_count() + 1
worker_class = "sync"
timeout = 30
graceful_timeout = 20
keepalive = 5
max_requests = 10_000  # recycle workers now and then; bounded memory growth
max_requests_jitter = 1_000
