"""The certificate PDF: for a completed module only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from medvirk.learning.certificates import certificate_pdf
from medvirk.learning.selectors import progress_for
from medvirk.learning.tests.factories import FULL_KEY, complete_module, fixture_module
from medvirk.organizations.access import org_context

pytestmark = pytest.mark.usefixtures("content")

URL = reverse("learning:certificate", args=["org-a", FULL_KEY])


def test_certificate_of_a_completed_module_is_a_pdf(world, english_client_for):
    user = world.a["staff"]
    complete_module(user, world.a.org, fixture_module(world.a.org))
    response = english_client_for(user).get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="certificate-fixture-participation.pdf"' in response["Content-Disposition"]


def test_certificate_names_person_module_date_and_organisation(world):
    """The text the PDF is drawn from (WeasyPrint compresses the PDF's own text)."""
    from django.template.loader import render_to_string
    from django.utils import timezone, translation

    user, org = world.a["staff"], world.a.org
    module = fixture_module(org, "en")
    complete_module(user, org, module)
    progress = progress_for(user, org, FULL_KEY)
    assert progress is not None
    with translation.override("en"):
        html = render_to_string(
            "learning/certificate.html",
            {
                "person": user.get_full_name(),
                "module": module,
                "organization": org,
                "completed_on": timezone.localdate(progress.completed_at),
            },
        )
        pdf = certificate_pdf(context=org_context(user, "org-a"), module=module, progress=progress)
    assert user.full_name in html
    assert "Participation in practice" in html
    assert "Organisasjon A" in html
    assert timezone.localdate(progress.completed_at).strftime("%Y") in html
    assert pdf.startswith(b"%PDF")


def test_no_certificate_before_completion(world, english_client_for):
    user = world.a["staff"]
    module = fixture_module(world.a.org)
    from medvirk.learning import services

    services.lesson_viewed(
        user=user, organization=world.a.org, lesson=module.lessons.get(position=0)
    )
    assert english_client_for(user).get(URL).status_code == 404


def test_no_certificate_for_someone_else_s_completion(world, english_client_for):
    complete_module(world.a["staff"], world.a.org, fixture_module(world.a.org))
    assert english_client_for(world.a["admin"]).get(URL).status_code == 404
    assert english_client_for(world.a["leader"]).get(URL).status_code == 404
