"""Organisation-scoped object URLs of this app, for tests/test_cross_organisation.py."""

from __future__ import annotations

from typing import Any

from medvirk.core.testing import ObjectViewCase

CASES: list[ObjectViewCase] = []


# --- Survey management (coordinators) -------------------------------------------------------


def _survey(world: Any) -> dict[str, Any]:
    from medvirk.surveys.tests.factories import survey

    return {"survey_id": survey(world.org, units=[world.unit]).pk}


def _draft(world: Any) -> dict[str, Any]:
    from medvirk.surveys.tests.factories import survey

    return {"survey_id": survey(world.org, units=[world.unit], published=False).pk}


def _coded(world: Any) -> dict[str, Any]:
    from medvirk.surveys.models import AccessCode
    from medvirk.surveys.tests.factories import survey

    made = survey(world.org, units=[world.unit], requires_code=True)
    AccessCode.objects.create(survey=made, code="ACDEFHJK")
    return {"survey_id": made.pk}


CASES += [
    ObjectViewCase("surveys:detail", _survey, role="coordinator"),
    ObjectViewCase("surveys:edit", _draft, role="coordinator"),
    ObjectViewCase("surveys:publish", _draft, role="coordinator"),
    ObjectViewCase("surveys:count", _survey, role="coordinator"),
    ObjectViewCase("surveys:qr_png", _survey, role="coordinator"),
    ObjectViewCase("surveys:qr_svg", _survey, role="coordinator"),
    ObjectViewCase("surveys:poster", _survey, role="coordinator"),
    ObjectViewCase("surveys:poster_pdf", _survey, role="admin"),
    ObjectViewCase("surveys:codes", _coded, role="coordinator"),
    ObjectViewCase("surveys:codes_sheet", _coded, role="coordinator"),
    ObjectViewCase("surveys:codes_sheet_pdf", _coded, role="admin"),
]


# --- Survey results (staff-side readers; the raw FHIR export is the coordinator's) -----------


def _results(world: Any) -> dict[str, Any]:
    from medvirk.surveys.tests.factories import survey

    return {"survey_id": survey(world.org, units=[world.unit]).pk}


def _results_csv(world: Any) -> dict[str, Any]:
    return {**_results(world), "fmt": "csv"}


CASES += [
    ObjectViewCase("surveys:results", _results, role="staff"),
    ObjectViewCase("surveys:free_text", _results, role="representative"),
    ObjectViewCase("surveys:results_pdf", _results, role="leader"),
    ObjectViewCase("surveys:results_export", _results_csv, role="staff"),
]
