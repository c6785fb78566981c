"""The demo user survey: two rounds of one series, answered, loaded once."""

from __future__ import annotations

from medvirk.core.privacy import mask_personal_data
from medvirk.demo.services import demo_load
from medvirk.demo.surveys import TITLE
from medvirk.questionnaires.models import Answer, Response
from medvirk.questionnaires.services import validate_resource
from medvirk.surveys.models import Survey, SurveyResponse
from medvirk.surveys.templates import TEMPLATE_KEY


def test_demo_survey_has_two_answered_rounds_for_two_units(db):
    demo_load()
    rounds = list(Survey.objects.filter(title=TITLE).order_by("opens_on"))
    assert len(rounds) == 2
    last_year, this_year = rounds
    assert last_year.series == this_year.series
    assert last_year.version.questionnaire.key == TEMPLATE_KEY
    for survey in rounds:
        assert survey.anonymous
        assert survey.published_at is not None
        assert survey.units.count() == 2
        assert survey.responses.count() >= 30
        for unit in survey.units.all():
            assert survey.responses.filter(unit=unit).count() >= 5
    response = Response.objects.filter(survey_response__survey=this_year).first()
    assert response is not None
    assert response.anonymous
    assert response.respondent_id is None
    validate_resource(response.resource)
    assert Answer.objects.filter(response=response).exists()


def test_demo_free_text_shows_masking(db):
    demo_load()
    texts = list(
        Answer.objects.filter(
            link_id="fritekst", version__questionnaire__key=TEMPLATE_KEY
        ).values_list("value_text", flat=True)
    )
    assert texts
    assert any(mask_personal_data(text) != text for text in texts)


def test_demo_surveys_load_once(db):
    demo_load()
    counts = (Survey.objects.count(), SurveyResponse.objects.count(), Answer.objects.count())
    demo_load()
    assert counts == (
        Survey.objects.count(),
        SurveyResponse.objects.count(),
        Answer.objects.count(),
    )
