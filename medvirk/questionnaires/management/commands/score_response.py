"""Score a QuestionnaireResponse file against an imported or a file Questionnaire."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from medvirk.questionnaires.choices import VersionStatus
from medvirk.questionnaires.definition import Definition, DefinitionError, parse_definition
from medvirk.questionnaires.models import Questionnaire, QuestionnaireVersion
from medvirk.questionnaires.scoring import score


class Command(BaseCommand):
    help = (
        "Score a QuestionnaireResponse JSON file and print the result as JSON: totals, group "
        "sums, calculated items, band, cutoff and flagged risk items. QUESTIONNAIRE is the id "
        "of an imported questionnaire (its active version, else its latest) or a path to a "
        "Questionnaire JSON file; rules then come from <name>.rules.json beside it if present."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("questionnaire", metavar="QUESTIONNAIRE")
        parser.add_argument("response", type=Path, metavar="RESPONSE")
        parser.add_argument(
            "--language", default="nb", help="Language of band and risk labels (default nb)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        definition, rules, resource = self._questionnaire(options["questionnaire"])
        response = _read_json(options["response"])
        if response.get("resourceType") != "QuestionnaireResponse":
            raise CommandError(f"{options['response']}: not a FHIR QuestionnaireResponse.")
        items = response.get("item") or []
        if not isinstance(items, list):
            raise CommandError(f"{options['response']}: “item” must be a list.")
        with translation.override(options["language"]):
            result = score(definition, items, rules, questionnaire=resource)
            self.stdout.write(json.dumps(result.as_json(), indent=2, ensure_ascii=False))

    def _questionnaire(self, value: str) -> tuple[Definition, dict[str, Any], dict[str, Any]]:
        if value.isdigit():
            version = _version_of(int(value))
            resource, rules, where = version.resource, version.rules or {}, f"questionnaire {value}"
        else:
            path = Path(value)
            resource = _read_json(path)
            rules_path = path.with_name(f"{path.name.removesuffix('.json')}.rules.json")
            rules = _read_json(rules_path) if rules_path.exists() else {}
            where = str(path)
        try:
            return parse_definition(resource), rules, resource
        except DefinitionError as error:
            raise CommandError(f"{where}: {error.where}: {error.message}") from error


def _version_of(pk: int) -> QuestionnaireVersion:
    questionnaire = Questionnaire.objects.filter(pk=pk).first()
    if questionnaire is None:
        raise CommandError(f"No questionnaire with id {pk}.")
    versions = questionnaire.versions.all()
    version = (
        versions.filter(status=VersionStatus.ACTIVE).first() or versions.order_by("-number").first()
    )
    if version is None:
        raise CommandError(f"Questionnaire {pk} has no versions.")
    return version


def _read_json(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as error:
        raise CommandError(f"{path}: no such file.") from error
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"{path}: cannot be read ({error}).") from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise CommandError(
            f"{path}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})."
        ) from error
    if not isinstance(data, dict):
        raise CommandError(f"{path}: expected a JSON object.")
    return data
