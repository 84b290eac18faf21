"""Background work as plain functions (``tasks``), run inline by default or as Celery tasks
on Redis when ``broker_url`` is set (``celery_app.make_celery``; nothing is created at
import time)."""
