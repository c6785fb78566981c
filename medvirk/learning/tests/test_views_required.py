"""Coordinators choose modules required per role."""

from __future__ import annotations

import pytest
from django.urls import reverse

from medvirk.accesslog.models import AccessLogEntry
from medvirk.learning.models import RequiredModule
from medvirk.learning.tests.factories import FULL_KEY, SHORT_KEY

pytestmark = pytest.mark.usefixtures("content")

URL = reverse("learning:required", args=["org-a"])


def test_page_lists_requirements_per_role(world, english_client_for):
    RequiredModule.objects.create(organization=world.a.org, role="staff", module_key=SHORT_KEY)
    html = english_client_for(world.a["coordinator"]).get(URL).content.decode()
    assert '<th scope="row">Staff</th>' in html
    assert "En kort modul for ledere" in html
    assert "?role=staff" in html


def test_choosing_a_role_shows_its_modules_as_checkboxes(world, english_client_for):
    RequiredModule.objects.create(organization=world.a.org, role="staff", module_key=SHORT_KEY)
    html = english_client_for(world.a["coordinator"]).get(URL + "?role=staff").content.decode()
    assert "Required for the role Staff" in html
    assert f'type="checkbox" name="modules" value="{SHORT_KEY}"' in html
    assert f'value="{SHORT_KEY}" class="ds-input" id="id_modules_1" checked' in html


def test_coordinator_sets_the_required_modules_of_a_role(world, english_client_for):
    client = english_client_for(world.a["coordinator"])
    RequiredModule.objects.create(organization=world.a.org, role="staff", module_key=SHORT_KEY)
    response = client.post(URL, {"role": "staff", "modules": [FULL_KEY]})
    assert response.status_code == 302
    assert response["Location"] == URL + "?role=staff"
    assert list(
        RequiredModule.objects.filter(organization=world.a.org).values_list("role", "module_key")
    ) == [("staff", FULL_KEY)]
    assert AccessLogEntry.objects.filter(object_type="learning.requiredmodule").exists()
    # The staff member's catalogue marks it.
    catalogue = english_client_for(world.a["staff"]).get(
        reverse("learning:catalogue", args=["org-a"])
    )
    assert "Required for your role" in catalogue.content.decode()


def test_unknown_module_is_refused_and_nothing_stored(world, english_client_for):
    response = english_client_for(world.a["coordinator"]).post(
        URL, {"role": "staff", "modules": ["not-a-module"]}
    )
    assert response.status_code == 200
    assert "ds-error-summary" in response.content.decode()
    assert not RequiredModule.objects.exists()


def test_requirements_belong_to_one_organisation(world, english_client_for):
    english_client_for(world.a["coordinator"]).post(URL, {"role": "staff", "modules": [FULL_KEY]})
    assert not RequiredModule.objects.filter(organization=world.b.org).exists()


@pytest.mark.parametrize("role", ["user", "staff", "leader", "representative", "next_of_kin"])
def test_roles_without_manage_learning_get_404(world, english_client_for, role):
    client = english_client_for(world.a[role])
    assert client.get(URL).status_code == 404
    assert client.post(URL, {"role": "staff", "modules": [FULL_KEY]}).status_code == 404
    assert not RequiredModule.objects.exists()
