"""Load: anonymous survey answers against a bare single-row insert, on the real server.

Builds a throw-away test database on whatever ``DATABASE_URL`` names (SQLite
by default; the numbers that matter are PostgreSQL's), fills it with one
published anonymous survey of a ten-question user-experience form for two
units, and starts production's two processes on it, with the settings of
``bench/load_settings.py`` (production's, plus a bare endpoint,
``bench/load_urls.py``, that inserts one row into a bench-only table, and a
per-client rate limit raised out of reach, still checked on every submit:
all the requests come from one address):

- the app server as ``scripts/serve`` runs it: granian, WSGI,
  ``--workers``, ``--blocking-threads`` and ``--backpressure``;
- the task worker beside it: ``manage.py db_worker --interval 1``, on the
  database task backend (production's default; ``TASKS_BACKEND`` is not
  passed on). The cache is production's without ``CACHE_URL`` (local memory,
  per process) unless ``--cache-url`` names a Redis.

An anonymous answer to a survey without one-time codes or file questions is
checked by the form and kept as one ``PendingAnswer`` row in the request;
the worker turns the waiting answers into responses a few seconds later
(``answering.schedule_storing`` queues one task per burst). So the request
and the worker are measured apart. For ``--rounds`` rounds, ``--concurrency``
client threads fire, one batch after the other:

a. ``--submissions`` bare inserts (``POST /bench/bare-insert/``, expect 204);
b. as many form views: each visitor GETs ``/s/<token>/?unit=<id>`` without
   cookies and keeps the CSRF cookie and token and the submission key;
c. the submissions: every visitor's prepared POST (all answers, the CSRF
   token, the submission key), fired at once; each must redirect to the
   thanks page.

For each round it prints the rates of (a), (b) and (c) (requests per second
of the batch's wall time), the ratio c / a — "submits anonymous answers" at
at least half the bare insert's throughput is the target — the whole visit
rate N / (t_b + t_c), the seconds the worker was storing answers during (a)
and (c), the 1-minute load average and the errors (anything but the
expected answer; must be 0). After the rounds it waits (``--drain-timeout``)
until the worker has stored every answer and prints how long that took after
the last batch and the worker's storing rate. Then the database must hold
exactly one ``SurveyResponse`` per submission (each submission key once,
warm-up included), all of them stored by the worker's tasks, no answer
waiting or failed, and one bare row per insert; anything else fails the run.

``--idle-check 0,4,8`` then opens that many idle keep-alive connections (and
as many connections that send nothing) and times a fresh request beside them:
whether idle clients hold granian's ``--backpressure`` slots.

The server and the worker are stopped and the test database dropped at the
end, also when a step fails.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import IO, Any
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
STORE_TASK = "medvirk.surveys.tasks.store_pending_answers"
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


def bare_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {BARE_TABLE}")  # noqa: S608
        return int(cursor.fetchone()[0])


# --- Server and worker ------------------------------------------------------------------------


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


def server_env(port: int, static_root: str, cache_url: str) -> dict[str, str]:
    """Production's environment for the server and the worker (the same for both).

    ``TASKS_BACKEND`` is dropped so that both use production's default, the
    database backend (``bench/load_settings.py`` refuses the immediate one).
    """
    dropped = {
        "DEBUG",
        "MEDVIRK_TESTING",
        "DJANGO_SETTINGS_MODULE",
        "DATABASE_URL",
        "TASKS_BACKEND",
        "CACHE_URL",
    }
    env = {key: value for key, value in os.environ.items() if key not in dropped}
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
    if cache_url:
        env["CACHE_URL"] = cache_url
    return env


def collect_static(env: dict[str, str]) -> None:
    """The manifest of static files production renders its pages with (as scripts/serve)."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


@dataclass
class Process:
    """A child process in its own session, its output in a log file."""

    name: str
    popen: subprocess.Popen[bytes]
    log: IO[bytes]

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-4000:]

    def check_alive(self) -> None:
        if self.popen.poll() is not None:
            raise RuntimeError(f"{self.name} exited ({self.popen.returncode}):\n{self.output()}")

    def stop(self) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait()
        self.log.close()


def spawn(name: str, command: list[str], env: dict[str, str]) -> Process:
    log = tempfile.TemporaryFile(prefix=f"medvirk-bench-{name}-")  # noqa: SIM115
    popen = subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    return Process(name, popen, log)


def start_server(
    env: dict[str, str], port: int, workers: int, threads: int, backpressure: int
) -> Process:
    granian = str(Path(sys.executable).parent / "granian")
    server = spawn(
        "granian",
        [
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
            str(backpressure),
            "--no-access-log",
        ],
        env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        server.check_alive()
        try:
            status, _headers, _body = request(
                http.client.HTTPConnection("127.0.0.1", port, timeout=5), "GET", "/healthz"
            )
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.stop()
    raise RuntimeError("granian did not answer /healthz within 60 s")


def start_worker(env: dict[str, str]) -> Process:
    """The task worker as production runs it, beside the server."""
    worker = spawn("db_worker", [sys.executable, "manage.py", "db_worker", "--interval", "1"], env)
    time.sleep(2)  # Django's start-up; the first task is due seconds after the first answer
    worker.check_alive()
    return worker


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

    A connection left open holds one of granian's ``--backpressure`` slots
    until it is closed (see ``--idle-check``), so every batch closes what it
    opened.
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


@dataclass
class Visitor:
    """What a visitor's browser keeps from the form page to post the answers."""

    path: str
    cookie: str
    token: str
    key: str


def answers(n: int) -> dict[str, str]:
    """Answers that vary with ``n``: every question, and free text for a third."""
    data = {f"q-{i}_0": f"{SYSTEM}|{(n + i) % 5 + 1}" for i in range(len(QUESTIONS))}
    data[f"q-{len(QUESTIONS)}_0"] = f"Kind staff, number {n}." if n % 3 == 0 else ""
    return data


def view_form(client: Client, path: str) -> Visitor | str:
    """A new visitor opens the form (no cookies); what it keeps, or what went wrong."""
    status, headers, body = request(client.conn(), "GET", path)
    if status != 200:
        return f"GET {status}"
    cookie = CSRF_COOKIE.search(headers.get("Set-Cookie") or "")
    html = body.decode()
    token, key = CSRF_FIELD.search(html), KEY_FIELD.search(html)
    if not (cookie and token and key):
        return "GET without CSRF token or submission key"
    return Visitor(path, cookie.group(1), token.group(1), key.group(1))


def post_answers(client: Client, visitor: Visitor, n: int) -> str:
    """The visitor sends every answer; '' when it was accepted, else what went wrong."""
    form = {
        "csrfmiddlewaretoken": visitor.token,
        "submission_key": visitor.key,
        "_action": "submit",
        "website": "",
        **answers(n),
    }
    status, headers, _body = request(
        client.conn(),
        "POST",
        visitor.path,
        urlencode(form),
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={visitor.cookie}",
        },
    )
    if status != 302 or not (headers.get("Location") or "").endswith("/thanks/"):
        return f"POST {status} {headers.get('Location') or ''}".strip()
    return ""


def bare_insert(client: Client) -> str:
    status, _headers, _body = request(client.conn(), "POST", BARE_PATH, "", {"Content-Length": "0"})
    return "" if status == 204 else f"bare {status}"


@dataclass
class Run:
    label: str
    count: int
    seconds: float
    errors: list[str]
    started: float  # wall clock (time.time()), to compare with the worker's task times
    ended: float

    @property
    def per_second(self) -> float:
        return self.count / self.seconds


def fire(
    label: str, client: Client, one: Callable[[int], str], count: int, concurrency: int
) -> Run:
    """Run ``one(0)`` … ``one(count - 1)`` on ``concurrency`` threads; time the whole batch."""
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
    started = time.time()
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    return Run(label, count, seconds, errors, started, started + seconds)


@dataclass
class Round:
    bare: Run
    views: Run
    posts: Run
    load: float = 0.0
    worker_in_bare: float = 0.0
    worker_in_posts: float = 0.0

    @property
    def ratio(self) -> float:
        return self.posts.per_second / self.bare.per_second

    @property
    def visits_per_second(self) -> float:
        return self.posts.count / (self.views.seconds + self.posts.seconds)

    @property
    def errors(self) -> list[str]:
        return self.bare.errors + self.views.errors + self.posts.errors


@dataclass
class Visitors:
    """The visitors' side of one survey: its form pages, and every key posted."""

    client: Client
    paths: list[str]
    posted: set[str] = field(default_factory=set)
    first: int = 0  # numbers the answers across batches, so that they vary

    def visit(self, count: int, concurrency: int) -> tuple[Run, Run]:
        """(b) ``count`` visitors open the form; (c) all of them post their answers."""
        visitors: list[Visitor | None] = [None] * count
        first = self.first
        self.first += count

        def view(n: int) -> str:
            found = view_form(self.client, self.paths[(first + n) % len(self.paths)])
            if isinstance(found, str):
                return found
            visitors[n] = found
            return ""

        def post(n: int) -> str:
            visitor = visitors[n]
            if visitor is None:
                return "no form to post (its GET failed)"
            self.posted.add(visitor.key)
            return post_answers(self.client, visitor, first + n)

        views = fire("form views", self.client, view, count, concurrency)
        posts = fire("submissions", self.client, post, count, concurrency)
        return views, posts


# --- The worker's side ------------------------------------------------------------------------


def waiting_answers() -> tuple[int, int]:
    """Answers waiting for the worker, and those it failed to store."""
    from medvirk.surveys.models import PendingAnswer

    waiting = PendingAnswer.objects.filter(failed=False).count()
    return waiting, PendingAnswer.objects.filter(failed=True).count()


def store_tasks() -> list[Any]:
    from django_tasks_db.models import DBTaskResult

    return list(DBTaskResult.objects.filter(task_path=STORE_TASK).order_by("enqueued_at"))


def wait_for_worker(worker: Process, timeout: float) -> float:
    """Wait until no answer waits and no storing task is due; when the last answer went."""
    from django_tasks.base import TaskResultStatus

    start = time.monotonic()
    emptied: float | None = None
    while True:
        worker.check_alive()
        waiting, failed = waiting_answers()
        if failed:
            raise RuntimeError(f"the worker failed to store {failed} answers:\n{worker.output()}")
        if not waiting and emptied is None:
            emptied = time.time()
        tasks = store_tasks()
        broken = [task for task in tasks if task.status == TaskResultStatus.FAILED]
        if broken:
            raise RuntimeError(f"a storing task failed:\n{broken[0].traceback}")
        unfinished = [
            task
            for task in tasks
            if task.status in {TaskResultStatus.READY, TaskResultStatus.RUNNING}
        ]
        if emptied is not None and not unfinished:
            return emptied
        if time.monotonic() - start > timeout:
            raise RuntimeError(
                f"after {timeout:.0f} s {waiting} answers still wait and "
                f"{len(unfinished)} storing tasks are due:\n{worker.output()}"
            )
        time.sleep(0.1)


def busy(tasks: list[Any], started: float, ended: float) -> float:
    """Seconds the worker spent in storing tasks between ``started`` and ``ended``."""
    total = 0.0
    for task in tasks:
        if task.started_at is None or task.finished_at is None:
            continue
        low = max(started, task.started_at.timestamp())
        high = min(ended, task.finished_at.timestamp())
        total += max(0.0, high - low)
    return total


# --- Idle connections -------------------------------------------------------------------------


def timed_request(port: int, timeout: float) -> float | None:
    """Seconds a fresh connection waits for ``/healthz``; None if it timed out."""
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        status, _headers, _body = request(conn, "GET", "/healthz")
    except (OSError, http.client.HTTPException):
        return None
    finally:
        conn.close()
    return time.perf_counter() - start if status == 200 else None


def idle_check(port: int, counts: list[int], timeout: float) -> list[tuple[int, str, str, str]]:
    """For each count K: K keep-alive connections that each made one request and stay
    idle, then a fresh request beside them; then K connections that never send anything
    (as a browser's preconnect) and a fresh request beside those. Each request's wait in
    seconds, "> timeout" when it gave up."""

    def show(seconds: float | None) -> str:
        return f"> {timeout:.0f}" if seconds is None else f"{seconds:.3f}"

    found = []
    for count in counts:
        idle = []
        slowest: float | None = 0.0
        for _ in range(count):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
            start = time.perf_counter()
            try:
                request(conn, "GET", "/healthz")  # answered; the connection stays open, idle
                if slowest is not None:
                    slowest = max(slowest, time.perf_counter() - start)
            except (OSError, http.client.HTTPException):
                slowest = None
            idle.append(conn)
        after_requests = timed_request(port, timeout)
        for conn in idle:
            conn.close()
        time.sleep(1)
        silent = [socket.create_connection(("127.0.0.1", port)) for _ in range(count)]
        time.sleep(0.5)
        after_connects = timed_request(port, timeout)
        for sock in silent:
            sock.close()
        time.sleep(1)
        found.append((count, show(slowest), show(after_requests), show(after_connects)))
    return found


# --- Main -------------------------------------------------------------------------------------


@dataclass
class Drain:
    waiting: int  # answers waiting when the last batch of submissions ended
    seconds: float  # from then until the last of them was stored
    tasks: int
    stored: int
    task_seconds: float
    failed_tasks: int


def bench(args: argparse.Namespace) -> None:
    from django_tasks.base import TaskResultStatus

    token, unit_ids = build_survey()
    create_bare_table()
    port = free_port()
    env = server_env(port, args.static_root, args.cache_url)
    collect_static(env)
    server = start_server(env, port, args.workers, args.threads, args.backpressure or args.threads)
    worker: Process | None = None
    try:
        worker = start_worker(env)
        client = Client(port)
        visitors = Visitors(client, [f"/s/{token}/?unit={unit}" for unit in unit_ids])

        def bare(_n: int) -> str:
            return bare_insert(client)

        # Warm-up: every server thread connects, parses the form, loads templates; the
        # worker stores the warm-up answers before the first round.
        warm = args.concurrency * 2
        for run in [
            *visitors.visit(warm, args.concurrency),
            fire("warm-up", client, bare, warm, args.concurrency),
        ]:
            if run.errors:
                raise RuntimeError(f"warm-up {run.label}: {run.errors[:3]}\n{server.output()}")
        wait_for_worker(worker, args.drain_timeout)
        rounds: list[Round] = []
        for _ in range(args.rounds):
            bare_run = fire("bare", client, bare, args.submissions, args.concurrency)
            views, posts = visitors.visit(args.submissions, args.concurrency)
            rounds.append(Round(bare_run, views, posts, load=os.getloadavg()[0]))
        waiting, _failed = waiting_answers()
        emptied = wait_for_worker(worker, args.drain_timeout)
        tasks = store_tasks()
        for found in rounds:
            found.worker_in_bare = busy(tasks, found.bare.started, found.bare.ended)
            found.worker_in_posts = busy(tasks, found.posts.started, found.posts.ended)
        done = [task for task in tasks if task.finished_at is not None]
        drain = Drain(
            waiting=waiting,
            seconds=emptied - rounds[-1].posts.ended,
            tasks=len(done),
            stored=sum(int(task.return_value or 0) for task in done),
            task_seconds=sum((task.finished_at - task.started_at).total_seconds() for task in done),
            failed_tasks=sum(1 for task in done if task.status == TaskResultStatus.FAILED),
        )
        idle = idle_check(port, args.idle_check, args.idle_timeout) if args.idle_check else []
    finally:
        if worker is not None:
            worker.stop()
        server.stop()
    check(args, rounds, drain, visitors.posted, warm, idle)


def check(
    args: argparse.Namespace,
    rounds: list[Round],
    drain: Drain,
    posted: set[str],
    warm: int,
    idle: list[tuple[int, str, str, str]],
) -> None:
    """Print the table and what was stored; fail loudly if anything differs."""
    from medvirk.surveys.models import SurveyResponse

    print(
        f"granian --workers {args.workers} --blocking-threads {args.threads} "
        f"--backpressure {args.backpressure or args.threads}; db_worker --interval 1; cache: "
        f"{args.cache_url or 'local memory (per process)'}; {args.concurrency} client "
        f"threads; {args.submissions} per batch\n"
    )
    print(
        "| round | (a) bare inserts/s | (b) form views/s | (c) submissions/s | ratio c/a "
        "| whole visits/s | worker storing during (a) / (c), s | load (1 min) | errors |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    errors: list[str] = []
    for number, found in enumerate(rounds, start=1):
        errors += found.errors
        print(
            f"| {number} | {found.bare.per_second:.1f} | {found.views.per_second:.1f} "
            f"| {found.posts.per_second:.1f} | {found.ratio:.2f} "
            f"| {found.visits_per_second:.1f} "
            f"| {found.worker_in_bare:.1f} / {found.worker_in_posts:.1f} "
            f"| {found.load:.1f} | {len(found.errors)} |"
        )

    def median(value: Callable[[Round], float]) -> float:
        return statistics.median(value(found) for found in rounds)

    ratio = median(lambda found: found.ratio)
    print(
        f"| median | {median(lambda r: r.bare.per_second):.1f} "
        f"| {median(lambda r: r.views.per_second):.1f} "
        f"| {median(lambda r: r.posts.per_second):.1f} | {ratio:.2f} "
        f"| {median(lambda r: r.visits_per_second):.1f} | | | {len(errors)} |\n"
    )
    rate = drain.stored / drain.task_seconds if drain.task_seconds else 0.0
    print(
        f"Worker: {drain.waiting} answers were waiting when the last submissions ended; "
        f"the last of them was stored {drain.seconds:.1f} s later (the first task of a "
        f"burst is due 6 s after its first answer). Over the whole run {drain.tasks} "
        f"storing tasks stored {drain.stored} answers in {drain.task_seconds:.1f} s of "
        f"running: {rate:.1f} answers/s.\n"
    )
    expected = warm + args.submissions * len(rounds)
    keys = [
        str(key)
        for key in SurveyResponse.objects.values_list("response__submission_key", flat=True)
    ]
    waiting, failed = waiting_answers()
    bare = bare_rows()
    print(
        f"Stored: {len(keys)} survey responses ({len(set(keys))} submission keys), "
        f"{bare} bare rows (expected {expected} each); waiting {waiting}, failed {failed}"
    )
    for error in sorted(set(errors))[:10]:
        print(f"  error: {error} (×{errors.count(error)})")
    print_idle(idle, args)
    problems = []
    if errors:
        problems.append(f"{len(errors)} errors")
    if len(keys) != expected or set(keys) != posted or len(posted) != expected:
        problems.append("not exactly one survey response per submission")
    if bare != expected:
        problems.append("not exactly one bare row per insert")
    if waiting or failed or drain.failed_tasks:
        problems.append("answers left waiting or failed, or failed tasks")
    if drain.stored != expected:
        problems.append(f"the worker's tasks stored {drain.stored} answers, not {expected}")
    if ratio < 0.5:
        problems.append("the submissions reach less than half the bare throughput")
    print("\nFAILED: " + "; ".join(problems) if problems else "\nOK: zero errors, ratio ≥ 0.5")
    if problems:
        raise SystemExit(1)


def print_idle(idle: list[tuple[int, str, str, str]], args: argparse.Namespace) -> None:
    if not idle:
        return
    print(
        f"\nIdle connections (granian --workers {args.workers} --blocking-threads "
        f"{args.threads} --backpressure {args.backpressure or args.threads}): seconds a "
        "GET /healthz waited\n"
    )
    print(
        "| K | K keep-alive connections: slowest of their own requests | then a fresh "
        "request beside them idle | a fresh request beside K connections that sent nothing |"
    )
    print("|---|---|---|---|")
    for count, slowest, after_requests, after_connects in idle:
        print(f"| {count} | {slowest} | {after_requests} | {after_connects} |")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--submissions", type=int, default=500, help="requests per timed batch")
    parser.add_argument("--concurrency", type=int, default=16, help="client threads")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the three batches")
    parser.add_argument("--workers", type=int, default=2, help="granian worker processes")
    parser.add_argument(
        "--threads", type=int, default=4, help="granian blocking threads (and backpressure)"
    )
    parser.add_argument(
        "--backpressure",
        type=int,
        default=0,
        help="granian's --backpressure (default: --threads, as scripts/serve)",
    )
    parser.add_argument(
        "--cache-url",
        default="",
        help="CACHE_URL of the server and worker, e.g. redis://127.0.0.1:6379/5 "
        "(default: none, production's local-memory cache per process)",
    )
    parser.add_argument(
        "--drain-timeout",
        type=float,
        default=300,
        help="seconds to wait for the worker to store every answer",
    )
    parser.add_argument(
        "--idle-check",
        type=lambda text: [int(part) for part in text.split(",") if part.strip()],
        default=[],
        help="comma-separated numbers of idle connections to time a fresh request beside",
    )
    parser.add_argument(
        "--idle-timeout", type=float, default=40, help="seconds a fresh request may wait"
    )
    parser.add_argument(
        "--static-root",
        default=str(Path(tempfile.gettempdir()) / "medvirk-bench-static"),
        help="where collectstatic puts the files (kept between runs: the second is quick)",
    )
    args = parser.parse_args()

    setup_test_environment()
    folder = ""
    if not POSTGRES:
        # The server process needs a file, not SQLite's in-memory test database.
        folder = tempfile.mkdtemp(prefix="medvirk-bench-load-")
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"{folder}/load.sqlite3"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
        print(f"Load average at start: {' '.join(f'{v:.2f}' for v in os.getloadavg())}\n")
        bench(args)
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        if folder:
            shutil.rmtree(folder, ignore_errors=True)  # SQLite's WAL files


if __name__ == "__main__":
    main()
