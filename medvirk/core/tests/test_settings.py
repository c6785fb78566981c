"""Production settings refuse unsafe values; development works without any."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _import_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "MEDVIRK_TESTING", "SECRET_KEY", "DATABASE_URL"}
    }
    clean.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import config.settings as s; print(s.DATABASES['default']['ENGINE'])",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_secret_key():
    result = _import_settings()
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_refuses_a_weak_secret_key():
    result = _import_settings(SECRET_KEY="short")
    assert result.returncode != 0
    assert "too weak" in result.stderr


def test_production_starts_with_a_real_secret_key():
    result = _import_settings(
        SECRET_KEY="x" * 50 + "a-long-random-secret", ALLOWED_HOSTS="medvirk.example.no"
    )
    assert result.returncode == 0, result.stderr


def test_secret_key_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("k" * 60)
    result = _import_settings(SECRET_KEY_FILE=str(secret))
    assert result.returncode == 0, result.stderr


def test_development_defaults_to_sqlite():
    result = _import_settings(DEBUG="1")
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def test_database_url_selects_postgresql():
    result = _import_settings(DEBUG="1", DATABASE_URL="postgres://u@127.0.0.1:5432/medvirk")
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_bad_boolean_fails_loudly():
    result = _import_settings(DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("console://", "django.core.mail.backends.console.EmailBackend"),
        (
            "smtp://user:pw@smtp.example.no:587/?tls=True",
            "django.core.mail.backends.smtp.EmailBackend",
        ),
    ],
)
def test_email_url_picks_the_backend(url, backend):
    clean = {k: v for k, v in os.environ.items() if k != "MEDVIRK_TESTING"}
    clean.update(DEBUG="1", EMAIL_URL=url)
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.EMAIL_BACKEND)"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.strip() == backend
