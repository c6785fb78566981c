"""The production entry point (scripts/serve: granian, WSGI) starts and answers /healthz."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.skipif(not (ROOT / ".venv/bin/granian").exists(), reason="granian not installed")
def test_granian_serves_the_app_with_production_settings(tmp_path):
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "MEDVIRK_TESTING", "DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env.update(
        SECRET_KEY="p" * 64,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        SECURE_SSL_REDIRECT="0",
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_WORKERS="1",
        WEB_THREADS="2",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    process = subprocess.Popen(  # noqa: S603
        [str(ROOT / "scripts/serve")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        body = b""
        while time.monotonic() < deadline:
            if process.poll() is not None:
                output = process.stdout.read().decode() if process.stdout else ""
                pytest.fail(f"scripts/serve exited early:\n{output}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = r.read()
                    break
            except OSError:
                time.sleep(0.5)
        assert body == b"ok\n"
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/static/vendor/designsystemet/theme.css", timeout=5
        ) as response:
            assert response.status == 200
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)
