"""Load: anonymous survey submissions against a bare single-row insert, on the real server.

Builds a throw-away test database on whatever ``DATABASE_URL`` names (SQLite
by default; the numbers that matter are PostgreSQL's), fills it with one
published anonymous survey of a ten-question user-experience form for two
units, and starts the production app server on it: granian, WSGI, as
``scripts/serve`` runs it (``--workers``, ``--blocking-threads`` and
``--backpressure``), with the settings of ``bench/load_settings.py``:
production's, plus a bare endpoint (``bench/load_urls.py``) that inserts one
row into a bench-only table, and without the per-client rate limit (all the
requests come from this one address).

Then, for ``--rounds`` rounds, ``--concurrency`` client threads fire

- ``--submissions`` anonymous survey submissions, each as a new visitor
  would: GET the form (``/s/<token>/?unit=<id>``, no cookies), POST every
  answer with the CSRF token and the submission key, expect the redirect to
  the thanks page;
- as many bare inserts (``POST /bench/bare-insert/``, expect 204);

and prints the throughput of each (requests or submissions per second of
wall time), the error count (anything but the expected answer, which must
be 0) and the ratio survey / bare (target ≥ 0.5). Afterwards the database
must hold exactly one ``SurveyResponse`` per submission and one row per bare
insert. The server is stopped and the test database dropped at the end, also
when a step fails.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
POSTGRES = connection.vendor == "postgresql"
BARE_TABLE = "bench_bare_insert"
BARE_PATH = "/bench/bare-insert/"
SYSTEM = "urn:medvirk:bench:scale"
ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
SCALE = ["Not at all", "To a small degree", "Somewhat", "To a large degree", "Fully"]
# The user-experience survey's themes: nine 1–5 questions and one free text.
QUESTIONS = [
    "Did you get the information you needed?",
    "Were you treated with respect?",
    "Were you listened to?",
    "Could you take part in decisions about your care?",
    "Was the help adapted to your needs?",
    "Did the help make a difference to you?",
    "Did the staff have time for you?",
    "Was it easy to get in touch with the service?",
    "Overall, how satisfied are you?",
]
CSRF_COOKIE = re.compile(r"csrftoken=([^;]+)")
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY_FIELD = re.compile(r'name="submission_key" value="([^"]+)"')


# --- Data -----------------------------------------------------------------------------------


def survey_form() -> dict[str, Any]:
    options = [
        {
            "valueCoding": {
                "system": SYSTEM,
                "code": str(value),
                "display": label,
                "extension": [{"url": ORDINAL, "valueDecimal": value}],
            }
        }
        for value, label in enumerate(SCALE, start=1)
    ]
    items: list[dict[str, Any]] = [
        {
            "linkId": f"q{n}",
            "type": "choice",
            "text": text,
            "required": True,
            "answerOption": options,
        }
        for n, text in enumerate(QUESTIONS, start=1)
    ]
    items.append({"linkId": "comment", "type": "text", "text": "Anything else you want to say?"})
    return {
        "resourceType": "Questionnaire",
        "status": "active",
        "title": "User experience",
        "language": "en",
        "item": items,
    }


def build_survey() -> tuple[str, list[int]]:
    """One published anonymous survey for two units; its token and unit ids."""
    from django.utils import timezone

    from medvirk.organizations.models import Organization, Unit
    from medvirk.questionnaires.models import Questionnaire, QuestionnaireVersion
    from medvirk.surveys.models import Survey

    org = Organization.objects.create(name="Stor kommune", slug="stor", kind="municipality")
    units = [
        Unit.objects.create(organization=org, name=name)
        for name in ["Hjemmetjenesten", "Psykisk helse og rus"]
    ]
    questionnaire = Questionnaire.objects.create(organization=org, title="User experience")
    resource = survey_form()
    version = QuestionnaireVersion.objects.create(
        questionnaire=questionnaire, number=1, status="active", original=resource, resource=resource
    )
    today = timezone.localdate()
    survey = Survey.objects.create(
        organization=org,
        title="What do you think of us?",
        version=version,
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=30),
        anonymous=True,
        published_at=timezone.now(),
    )
    survey.units.set(units)
    return survey.token, [unit.pk for unit in units]


def create_bare_table() -> None:
    key = "id bigserial PRIMARY KEY" if POSTGRES else "id integer PRIMARY KEY AUTOINCREMENT"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {BARE_TABLE} ({key}, created_at timestamp NOT NULL, note varchar(50))"
        )


def counts() -> tuple[int, int]:
    from medvirk.surveys.models import SurveyResponse

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {BARE_TABLE}")  # noqa: S608
        bare = int(cursor.fetchone()[0])
    return SurveyResponse.objects.count(), bare


# --- Server -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def database_url() -> str:
    """The test database as a URL for the server process."""
    settings = connection.settings_dict
    if not POSTGRES:
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or ""
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


def server_env(port: int, static_root: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "MEDVIRK_TESTING", "DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="bench.load_settings",
        DATABASE_URL=database_url(),
        SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        STATIC_ROOT=static_root,
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
        PORT=str(port),
    )
    return env


def collect_static(env: dict[str, str]) -> None:
    """The manifest of static files production renders its pages with (as scripts/serve)."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def start_server(
    env: dict[str, str], port: int, workers: int, threads: int
) -> subprocess.Popen[bytes]:
    granian = str(Path(sys.executable).parent / "granian")
    command = [
        granian,
        "--interface",
        "wsgi",
        "config.wsgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        str(threads),
        "--backpressure",
        str(threads),
        "--no-access-log",
    ]
    process = subprocess.Popen(  # noqa: S603
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            raise RuntimeError(f"granian exited early:\n{output}")
        try:
            status, _headers, _body = request(
                http.client.HTTPConnection("127.0.0.1", port), "GET", "/healthz"
            )
            if status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.3)
    stop_server(process)
    raise RuntimeError("granian did not answer /healthz within 60 s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# --- Clients ----------------------------------------------------------------------------------


def request(
    conn: http.client.HTTPConnection,
    method: str,
    path: str,
    body: str | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, http.client.HTTPMessage, bytes]:
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    return response.status, response.headers, response.read()


class Client:
    """One keep-alive connection per client thread, closed when the thread's batch ends.

    A connection left open holds one of granian's request slots
    (``--backpressure``) until the server's keep-alive timeout, so every batch
    closes what it opened.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.local = threading.local()

    def conn(self) -> http.client.HTTPConnection:
        found = getattr(self.local, "conn", None)
        if found is None:
            found = self.local.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        return found

    def close(self) -> None:
        found = getattr(self.local, "conn", None)
        if found is not None:
            found.close()
        self.local.conn = None


def answers(n: int) -> dict[str, str]:
    """Answers that vary with ``n``: every question, and free text for a third."""
    data = {f"q-{i}_0": f"{SYSTEM}|{(n + i) % 5 + 1}" for i in range(len(QUESTIONS))}
    data[f"q-{len(QUESTIONS)}_0"] = f"Kind staff, number {n}." if n % 3 == 0 else ""
    return data


def submit_survey(client: Client, path: str, n: int) -> str:
    """One visitor: GET the form, POST the answers; '' when it worked, else what went wrong."""
    conn = client.conn()
    status, headers, body = request(conn, "GET", path)
    if status != 200:
        return f"GET {status}"
    cookie = CSRF_COOKIE.search(headers.get("Set-Cookie") or "")
    html = body.decode()
    token, key = CSRF_FIELD.search(html), KEY_FIELD.search(html)
    if not (cookie and token and key):
        return "GET without CSRF token or submission key"
    form = {
        "csrfmiddlewaretoken": token.group(1),
        "submission_key": key.group(1),
        "_action": "submit",
        "website": "",
        **answers(n),
    }
    status, headers, _body = request(
        conn,
        "POST",
        path,
        urlencode(form),
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie.group(1)}",
        },
    )
    if status != 302 or not (headers.get("Location") or "").endswith("/thanks/"):
        return f"POST {status} {headers.get('Location') or ''}".strip()
    return ""


def bare_insert(client: Client, _n: int) -> str:
    status, _headers, _body = request(client.conn(), "POST", BARE_PATH, "", {"Content-Length": "0"})
    return "" if status == 204 else f"bare {status}"


@dataclass
class Run:
    label: str
    count: int
    seconds: float
    errors: list[str]

    @property
    def per_second(self) -> float:
        return self.count / self.seconds


def fire(
    label: str, client: Client, one: Callable[[int], str], count: int, concurrency: int
) -> Run:
    """Run ``one`` ``count`` times on ``concurrency`` threads; time the whole batch."""
    numbers = iter(range(count))
    lock = threading.Lock()
    errors: list[str] = []

    def work() -> None:
        while True:
            with lock:
                n = next(numbers, None)
            if n is None:
                break
            try:
                result = one(n)
            except (OSError, http.client.HTTPException) as error:
                client.close()
                result = f"{type(error).__name__}: {error}"
            if result:
                with lock:
                    errors.append(result)
        client.close()

    threads = [threading.Thread(target=work) for _ in range(concurrency)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Run(label, count, time.perf_counter() - start, errors)


# --- Main -------------------------------------------------------------------------------------


def bench(args: argparse.Namespace) -> None:
    token, unit_ids = build_survey()
    create_bare_table()
    port = free_port()
    env = server_env(port, args.static_root)
    collect_static(env)
    server = start_server(env, port, args.workers, args.threads)
    try:
        client = Client(port)
        paths = [f"/s/{token}/?unit={unit}" for unit in unit_ids]

        def survey(n: int) -> str:
            return submit_survey(client, paths[n % len(paths)], n)

        def bare(n: int) -> str:
            return bare_insert(client, n)

        # Warm-up: every worker thread connects, parses the form, loads templates.
        warm = args.concurrency * 2
        fire("warm-up", client, survey, warm, args.concurrency)
        fire("warm-up", client, bare, warm, args.concurrency)
        runs: list[tuple[Run, Run]] = []
        for _ in range(args.rounds):
            bare_run = fire("bare", client, bare, args.submissions, args.concurrency)
            survey_run = fire("survey", client, survey, args.submissions, args.concurrency)
            runs.append((bare_run, survey_run))
    finally:
        stop_server(server)
    report(args, runs, warm)


def report(args: argparse.Namespace, runs: list[tuple[Run, Run]], warm: int) -> None:
    print(
        f"granian --workers {args.workers} --blocking-threads {args.threads}; "
        f"{args.concurrency} client threads; {args.submissions} per batch\n"
    )
    print("| round | bare inserts/s | survey submissions/s | ratio | errors |")
    print("|---|---|---|---|---|")
    errors: list[str] = []
    ratios = []
    for number, (bare_run, survey_run) in enumerate(runs, start=1):
        ratio = survey_run.per_second / bare_run.per_second
        ratios.append(ratio)
        wrong = len(bare_run.errors) + len(survey_run.errors)
        errors += bare_run.errors + survey_run.errors
        print(
            f"| {number} | {bare_run.per_second:.1f} | {survey_run.per_second:.1f} "
            f"| {ratio:.2f} | {wrong} |"
        )
    bare_median = statistics.median(b.per_second for b, _ in runs)
    survey_median = statistics.median(s.per_second for _, s in runs)
    print(
        f"| median | {bare_median:.1f} | {survey_median:.1f} "
        f"| {statistics.median(ratios):.2f} | {len(errors)} |\n"
    )
    print(
        f"A survey submission is two requests (GET the form, POST the answers): "
        f"{survey_median * 2:.1f} requests/s.\n"
    )
    stored_surveys, stored_bare = counts()
    expected = warm + args.submissions * len(runs)
    print(
        f"Stored: {stored_surveys} survey responses, {stored_bare} bare rows "
        f"(expected {expected} each)"
    )
    for error in sorted(set(errors))[:10]:
        print(f"  error: {error} (×{errors.count(error)})")
    problems = []
    if errors:
        problems.append(f"{len(errors)} errors")
    if (stored_surveys, stored_bare) != (expected, expected):
        problems.append("stored counts differ from the requests made")
    if statistics.median(ratios) < 0.5:
        problems.append("the survey reaches less than half the bare throughput")
    print("\nFAILED: " + "; ".join(problems) if problems else "\nOK: zero errors, ratio ≥ 0.5")
    if problems:
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--submissions", type=int, default=500, help="requests per timed batch")
    parser.add_argument("--concurrency", type=int, default=16, help="client threads")
    parser.add_argument("--rounds", type=int, default=3, help="alternating bare/survey batches")
    parser.add_argument("--workers", type=int, default=2, help="granian worker processes")
    parser.add_argument(
        "--threads", type=int, default=4, help="granian blocking threads per worker"
    )
    parser.add_argument(
        "--static-root",
        default=str(Path(tempfile.gettempdir()) / "medvirk-bench-static"),
        help="where collectstatic puts the files (kept between runs: the second is quick)",
    )
    args = parser.parse_args()

    setup_test_environment()
    if not POSTGRES:
        # The server process needs a file, not SQLite's in-memory test database.
        folder = tempfile.mkdtemp(prefix="medvirk-bench-load-")
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"{folder}/load.sqlite3"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}\n")
        bench(args)
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
