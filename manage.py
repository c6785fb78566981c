#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # A bare checkout (none of DEBUG, SECRET_KEY or DATABASE_URL set) is a developer's
    # machine: run as development. Production always sets SECRET_KEY and DATABASE_URL,
    # so its safe defaults (and the refusal to start without a secret) still hold.
    if not any(
        name in os.environ for name in ("DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "DATABASE_URL")
    ):
        os.environ["DEBUG"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
