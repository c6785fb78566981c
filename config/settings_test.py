"""Settings for the test suite: the production settings with fast, local stand-ins."""

import os

os.environ.setdefault("MEDVIRK_TESTING", "1")

from config.settings import *  # noqa: F403

# Hashing cost is not under test here; accounts/tests checks that production uses Argon2.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DEMO_MODE = False
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
SECURE_SSL_REDIRECT = False
LOGGING = {"version": 1, "disable_existing_loggers": False}

import tempfile  # noqa: E402

# Uploaded files go to a throw-away folder, never into the checkout.
_TEST_FILES = tempfile.mkdtemp(prefix="medvirk-test-files-")
MEDIA_ROOT = Path(_TEST_FILES) / "media"  # noqa: F405
STORAGES = {
    **STORAGES,  # noqa: F405
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": _TEST_FILES + "/private", "base_url": None},
    },
}
