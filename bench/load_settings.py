"""Settings of the app server that bench/bench_survey_load.py starts: production's, plus
the bare-insert endpoint and without the survey rate limit.

Everything else (DEBUG off, the middleware, the manifest static files, the
database from ``DATABASE_URL``, persistent connections) is exactly what
``scripts/serve`` runs. All the benchmark's requests come from one address, so
the per-client limit on survey submits is switched off here.
"""

from config.settings import *  # noqa: F403
from config.settings import DATABASES

ROOT_URLCONF = "bench.load_urls"
SURVEY_RATE_LIMIT = None

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # SQLite allows one writer: make writers queue for the lock instead of failing, and let
    # readers go on while one writes (WAL). PostgreSQL is the database that counts.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL;",
    }
