"""The demo municipality's user survey: last year's round and this year's, both answered.

Loaded by ``demo_load`` after the units exist. The survey is built from the
project's user-experience template for two units, in two rounds sharing one
series, so results can show distributions by unit, by round and the trend.
Each round gets 36 anonymous responses (18 per unit), a few of whose free-text
answers contain a phone number, an e-mail address or a national ID number so
that the masking shows. The numbers are the published examples used in the
project's own tests, not anyone's.

Responses are made with the questionnaire engine's own builders
(``build_resource``, ``score``, ``answer_rows``) in a handful of bulk queries, so
loading stays fast. A round that already has responses is left alone, so
loading twice changes nothing.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from medvirk.demo.data import MUNICIPALITY
from medvirk.organizations.models import Organization, Unit
from medvirk.questionnaires.choices import ResponseStatus
from medvirk.questionnaires.definition import Definition, definition_for
from medvirk.questionnaires.models import Answer, QuestionnaireVersion, Response
from medvirk.questionnaires.scoring import score
from medvirk.questionnaires.services import answer_rows, build_resource, day_start
from medvirk.surveys.models import Survey, SurveyResponse
from medvirk.surveys.templates import install_template

TITLE = "Hvordan opplever du tjenestene våre?"
INTRODUCTION = (
    "Vi spør brukerne av psykisk helse og rus og hjemmetjenestene hvordan de opplever "
    "hjelpen de får. Svarene er anonyme og brukes til å forbedre tjenestene sammen med "
    "brukerrådet."
)
UNIT_NAMES = ("Psykisk helse og rus", "Hjemmetjenester")
RESPONSES_PER_UNIT = 18
SCALE_ITEMS = ("informasjon", "respekt", "hort", "medvirkning", "utbytte", "helhet")
GROUP = "erfaring"

COMMENTS = (
    "Veldig hyggelige ansatte, men det er vanskelig å få tak i noen på telefonen.",
    "Jeg savner å få vite på forhånd hvem som kommer.",
    "Jeg føler meg hørt når vi lager planen sammen.",
    "Det tok lang tid før jeg fikk svar på søknaden min.",
    "Ring meg gjerne på 912 34 567 hvis dere vil høre mer.",
    "Skriv til meg på kari.eksempel@example.no, så forteller jeg mer.",
    "Fødselsnummeret mitt er 150765 00565, sjekk journalen min.",
    "Min svenske samboer (811228-9874) fikk ikke være med på møtet.",
    "Mer tid til samtale, mindre stress.",
    "Alt i alt fornøyd. Takk for hjelpen!",
)


def demo_surveys(organizations: dict[str, Organization]) -> None:
    """The two rounds of the demo survey with their responses (idempotent)."""
    organization = organizations[MUNICIPALITY.slug]
    units = list(Unit.objects.filter(organization=organization, name__in=UNIT_NAMES))
    if len(units) != len(UNIT_NAMES):
        return
    units.sort(key=lambda unit: UNIT_NAMES.index(unit.name))
    version = install_template(organization)
    today = timezone.localdate()
    last_year = _round(
        organization,
        version,
        units,
        label=str(today.year - 1),
        opens_on=today - timedelta(days=365 + 28),
        closes_on=today - timedelta(days=365),
        series=None,
    )
    this_year = _round(
        organization,
        version,
        units,
        label=str(today.year),
        opens_on=today - timedelta(days=14),
        closes_on=today + timedelta(days=14),
        series=last_year.series,
    )
    # Last year's answers a little less favourable, so the trend shows.
    _answer(last_year, units, shift=-0.4, seed=2025)
    _answer(this_year, units, shift=0.0, seed=2026)


def _round(
    organization: Organization,
    version: QuestionnaireVersion,
    units: list[Unit],
    *,
    label: str,
    opens_on: date,
    closes_on: date,
    series: uuid.UUID | None,
) -> Survey:
    survey = Survey.objects.filter(
        organization=organization, title=TITLE, round_label=label
    ).first()
    if survey is None:
        survey = Survey(organization=organization, title=TITLE, round_label=label)
        if series is not None:
            survey.series = series
    if survey.pk is None or not survey.responses.exists():
        survey.version = version
    survey.introduction = INTRODUCTION
    survey.opens_on = opens_on
    survey.closes_on = closes_on
    survey.anonymous = True
    survey.published_at = survey.published_at or timezone.now()
    survey.save()
    survey.units.set(units)
    return survey


def _answer(survey: Survey, units: list[Unit], *, shift: float, seed: int) -> None:
    if survey.responses.exists():
        return
    rng = random.Random(seed)
    version = survey.version
    definition = definition_for(version)
    days = max((min(survey.closes_on, timezone.localdate()) - survey.opens_on).days, 0)
    planned: list[tuple[Unit, date, list[dict[str, Any]]]] = []
    for unit_index, unit in enumerate(units):
        # The two units differ a little, so the unit comparison shows something.
        bias = shift + (0.3 if unit_index == 0 else -0.2)
        for number in range(RESPONSES_PER_UNIT):
            comment = COMMENTS[(number + unit_index * 3) % len(COMMENTS)] if number % 3 == 0 else ""
            items = _items(definition, rng, bias, comment)
            planned.append((unit, survey.opens_on + timedelta(days=rng.randint(0, days)), items))
    responses = Response.objects.bulk_create(
        [
            Response(
                organization=survey.organization,
                version=version,
                status=ResponseStatus.COMPLETED,
                anonymous=True,
                submitted_at=day_start(_moment(day)),
            )
            for _unit, day, _items in planned
        ]
    )
    answers: list[Answer] = []
    for response, (_unit, _day, items) in zip(responses, planned, strict=True):
        response.resource = build_resource(response, items, status=ResponseStatus.COMPLETED)
        response.scores = score(definition, items, version.rules, version.resource).as_json()
        answers.extend(answer_rows(response, response.resource.get("item") or []))
    Response.objects.bulk_update(responses, ["resource", "scores"], batch_size=200)
    Answer.objects.bulk_create(answers, batch_size=500)
    SurveyResponse.objects.bulk_create(
        [
            SurveyResponse(survey=survey, unit=unit, response=response, submitted_on=day)
            for response, (unit, day, _items) in zip(responses, planned, strict=True)
        ]
    )


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def _choice(definition: Definition, link_id: str, rng: random.Random, bias: float) -> Any:
    """One option of a 1–5 item, mostly 3–5, moved up or down by ``bias``."""
    options = definition.by_link_id[link_id].options
    value = round(rng.gauss(3.8 + bias, 0.9))
    value = min(max(value, 1), len(options))
    option = options[value - 1]
    item = definition.by_link_id[link_id]
    return {"linkId": link_id, "text": item.text, "answer": [dict(option.answer)]}


def _items(
    definition: Definition, rng: random.Random, bias: float, comment: str
) -> list[dict[str, Any]]:
    """QuestionnaireResponse items for one made-up respondent; some questions skipped."""
    group = [
        _choice(definition, link_id, rng, bias)
        for link_id in SCALE_ITEMS
        if link_id != "helhet" and rng.random() > 0.05
    ]
    items: list[dict[str, Any]] = []
    if group:
        items.append({"linkId": GROUP, "text": definition.by_link_id[GROUP].text, "item": group})
    items.append(_choice(definition, "helhet", rng, bias))
    if comment:
        items.append(
            {
                "linkId": "fritekst",
                "text": definition.by_link_id["fritekst"].text,
                "answer": [{"valueString": comment}],
            }
        )
    return items
