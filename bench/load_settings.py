"""Settings of the app server and task worker that bench/bench_survey_load.py starts:
production's, plus the bare-insert endpoint and a survey rate limit no one reaches.

Everything else (DEBUG off, the middleware, the manifest static files, the
database from ``DATABASE_URL``, persistent connections, the database task
backend, the cache from ``CACHE_URL`` or local memory) is exactly what
``scripts/serve`` and ``manage.py db_worker`` run. All the benchmark's requests
come from one address, so the per-client limit on survey submits is raised out
of reach; it stays on, so that every submit pays for it as in production (the
look-up of its submission key, the client's counter in the cache).
"""

from django.core.exceptions import ImproperlyConfigured

from config.settings import *  # noqa: F403
from config.settings import DATABASES, TASKS

if not str(TASKS["default"]["BACKEND"]).startswith("django_tasks_db."):
    # The benchmark measures answers stored by the worker, as in production: a backend
    # that runs tasks in the request would measure something else.
    raise ImproperlyConfigured("The load benchmark needs the database task backend.")

ROOT_URLCONF = "bench.load_urls"
SURVEY_RATE_LIMIT = 10**9

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # SQLite allows one writer: make writers queue for the lock instead of failing, and let
    # readers go on while one writes (WAL). PostgreSQL is the database that counts.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL;",
    }
