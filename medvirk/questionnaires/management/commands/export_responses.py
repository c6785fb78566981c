"""Export a questionnaire's completed responses as FHIR, CSV or XLSX from the command line.

Responses are health data, so every export is written to the access log.
The access log records a person (``log_access`` requires an actor), so the
command asks who is exporting (``--actor``): a person who may read
responses in the questionnaire's organisation (coordinator or admin).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from medvirk.accounts.models import User
from medvirk.organizations.models import Membership
from medvirk.organizations.permissions import Action, roles_allow
from medvirk.questionnaires.export import (
    FORMATS,
    completed_responses,
    log_export,
    responses_bundle,
    responses_csv,
    responses_xlsx,
)
from medvirk.questionnaires.models import Questionnaire


class Command(BaseCommand):
    help = (
        "Export the completed responses to a questionnaire (all its versions) as a FHIR "
        "Bundle, CSV or XLSX. The export is written to the access log in the name of --actor."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("questionnaire_id", type=int, help="The questionnaire's id.")
        parser.add_argument("--format", choices=FORMATS, default="fhir", dest="fmt")
        parser.add_argument(
            "--output", type=Path, default=None, help="Write to this file instead of stdout."
        )
        parser.add_argument(
            "--actor",
            required=True,
            help="E-mail of the person exporting; must be allowed to read responses there.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        questionnaire = (
            Questionnaire.objects.select_related("organization")
            .filter(pk=options["questionnaire_id"])
            .first()
        )
        if questionnaire is None:
            raise CommandError(f"There is no questionnaire {options['questionnaire_id']}.")
        actor = self._actor(options["actor"], questionnaire)
        fmt: str = options["fmt"]
        output: Path | None = options["output"]
        if fmt == "xlsx" and output is None and not hasattr(self.stdout._out, "buffer"):
            raise CommandError("Give --output FILE for an XLSX export.")
        log_export(actor=actor, source=questionnaire, fmt=fmt)
        responses = completed_responses(questionnaire)
        if fmt == "xlsx":
            data = responses_xlsx(questionnaire, responses)
            if output is not None:
                output.write_bytes(data)
            else:
                binary = self.stdout._out.buffer  # type: ignore[attr-defined]
                binary.write(data)
                binary.flush()
            return
        text = (
            json.dumps(responses_bundle(responses), ensure_ascii=False, indent=2) + "\n"
            if fmt == "fhir"
            else responses_csv(questionnaire, responses)
        )
        if output is not None:
            output.write_text(text, encoding="utf-8", newline="")
        else:
            self.stdout.write(text, ending="")

    def _actor(self, email: str, questionnaire: Questionnaire) -> User:
        user = User.objects.filter(email__iexact=email.strip()).first()
        roles: set[str] = set()
        if user is not None:
            roles = set(
                Membership.objects.filter(
                    user=user, organization=questionnaire.organization
                ).values_list("role", flat=True)
            )
        if user is None or not roles_allow(roles, Action.VIEW_RESPONSES):
            raise CommandError(
                f"{email} may not read the responses of {questionnaire.organization}."
            )
        return user
