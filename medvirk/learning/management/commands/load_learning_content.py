"""Load the shipped learning modules from content/learning/ (run by `make run`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from medvirk.learning.services import Change, ContentLoadError, content_load, content_root


class Command(BaseCommand):
    help = (
        "Load the learning modules under content/learning/ (or --path). Safe to run again: "
        "unchanged files change nothing. A bad file is reported with its line and nothing "
        "is loaded."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--path",
            type=Path,
            default=None,
            help="A content folder (with nb/, en/ … inside) or one module file.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"] or content_root()
        if not path.exists():
            raise CommandError(f"{path} does not exist.")
        try:
            report = content_load(path=path)
        except ContentLoadError as error:
            raise CommandError(f"Nothing was loaded: fix these problems first.\n{error}") from error
        unchanged = 0
        for entry in report:
            if entry.change == Change.UNCHANGED:
                unchanged += 1
                continue
            self.stdout.write(
                f"{entry.change.capitalize()}: {entry.key} ({entry.language}) "
                f"version {entry.version} — {entry.path}"
            )
        changed = len(report) - unchanged
        self.stdout.write(f"{changed} changed, {unchanged} unchanged.")
