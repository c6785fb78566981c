"""Import FHIR Questionnaire files (or Bundles of them) into one organisation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.urls import reverse

from medvirk.organizations.models import Organization
from medvirk.questionnaires.importing import ImportedForm, ImportRefused, import_resources


class Command(BaseCommand):
    help = (
        "Import FHIR R4 Questionnaire JSON files (a Questionnaire or a Bundle of them) into "
        "an organisation. Prints one line per form; warnings go to stderr. All files or "
        "none: if one is refused, nothing is stored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="A .json file.")
        parser.add_argument(
            "--organization", required=True, help="Short name (slug) of the organisation."
        )
        parser.add_argument(
            "--activate",
            action="store_true",
            help="Make each imported version the active one (retiring the previous).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        slug: str = options["organization"]
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise CommandError(f"No organisation with the short name {slug!r}.")
        uploads = [(path, self._read(path)) for path in options["paths"]]
        imported: list[ImportedForm] = []
        problems: list[str] = []
        # One transaction over every file, so a refused file leaves none stored.
        with transaction.atomic():
            for path, raw in uploads:
                try:
                    imported.extend(
                        import_resources(organization, raw, activate=options["activate"])
                    )
                except ImportRefused as refused:
                    problems.extend(f"{path}: {error}" for error in refused.errors)
            if problems:
                transaction.set_rollback(True)
        if problems:
            raise CommandError("Nothing was imported:\n" + "\n".join(problems))
        for form in imported:
            preview = reverse(
                "questionnaires:preview", args=[organization.slug, form.questionnaire.pk]
            )
            title = form.questionnaire.title.replace('"', '\\"')
            self.stdout.write(
                f"id={form.questionnaire.pk} version={form.version.number} "
                f'preview={preview} title="{title}"'
            )
            for warning in form.warnings:
                self.stderr.write(f"  warning: {warning}")

    def _read(self, path: Path) -> bytes:
        if path.suffix.lower() != ".json":
            raise CommandError(f"{path}: expected a .json file.")
        try:
            return path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: cannot be read ({error.strerror}).") from error
