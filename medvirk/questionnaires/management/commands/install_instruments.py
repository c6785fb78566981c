"""Install the instruments shipped with Medvirk (PHQ-9, GAD-7, WHO-5, …) in an organisation."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from medvirk.organizations.models import Organization
from medvirk.questionnaires.importing import ImportRefused
from medvirk.questionnaires.instruments import BY_KEY, install_instruments


class Command(BaseCommand):
    help = (
        "Install the questionnaires shipped under content/questionnaires/ in an organisation. "
        "Safe to run again: unchanged files change nothing; a changed file becomes the next, "
        "active version."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--organization", required=True, help="Short name (slug) of the organisation."
        )
        parser.add_argument(
            "--key",
            action="append",
            dest="keys",
            choices=sorted(BY_KEY),
            help="Install only this instrument (repeatable). Default: all.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        slug: str = options["organization"]
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise CommandError(f"No organisation with the short name {slug!r}.")
        try:
            versions = install_instruments(organization, keys=options["keys"])
        except ImportRefused as refused:
            raise CommandError("A shipped instrument was refused:\n" + str(refused)) from refused
        for version in versions:
            questionnaire = version.questionnaire
            self.stdout.write(
                f"{questionnaire.key}: id={questionnaire.pk} version={version.number} "
                f"({version.status})"
            )
