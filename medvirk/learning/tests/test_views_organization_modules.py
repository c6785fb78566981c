"""Coordinators write their organisation's own modules in the app, in the file format."""

from __future__ import annotations

import pytest
from django.urls import reverse

from medvirk.accesslog.models import AccessLogEntry
from medvirk.learning.models import Module
from medvirk.learning.tests.factories import ORG_MODULE_TEXT, org_module

LIST = reverse("learning:organization_module_list", args=["org-a"])
NEW = reverse("learning:organization_module_create", args=["org-a"])
TEXT = ORG_MODULE_TEXT.format(key="our-welcome", title="Velkommen hos oss")


def edit_url(module: Module) -> str:
    return reverse("learning:organization_module_edit", args=["org-a", module.pk])


def test_new_module_form_starts_from_an_example(world, english_client_for):
    html = english_client_for(world.a["coordinator"]).get(NEW).content.decode()
    assert "id: our-module" in html
    assert "{quiz}" in html


def test_coordinator_writes_a_module(world, english_client_for):
    client = english_client_for(world.a["coordinator"])
    response = client.post(NEW, {"language": "nb", "text": TEXT, "is_published": "on"})
    module = Module.objects.get(organization=world.a.org)
    assert response.status_code == 302
    assert response["Location"] == edit_url(module)
    assert (module.key, module.language, module.source, module.version) == (
        "our-welcome",
        "nb",
        "organisation",
        1,
    )
    assert module.source_text == TEXT
    assert [lesson.kind for lesson in module.lessons.all()] == ["story", "quiz", "reflection"]
    assert AccessLogEntry.objects.filter(object_type="learning.module", action="create").exists()
    # Its members see it; another organisation does not.
    catalogue = english_client_for(world.a["user"]).get(
        reverse("learning:catalogue", args=["org-a"])
    )
    assert "Velkommen hos oss" in catalogue.content.decode()


def test_bad_text_shows_the_parsers_messages_keeps_the_text_and_stores_nothing(
    world, english_client_for
):
    bad = TEXT.replace("[staff, leaders, representatives, users]", "[staff, patients]")
    response = english_client_for(world.a["coordinator"]).post(NEW, {"language": "nb", "text": bad})
    html = response.content.decode()
    assert response.status_code == 200
    assert "ds-error-summary" in html
    assert "Line 5: Unknown audience “patients”" in html
    assert "[staff, patients]" in html
    assert not Module.objects.exists()


def test_local_images_are_refused_in_the_app(world, english_client_for):
    text = TEXT.replace("Slik gjør vi det", "![Et bilde](bilde.png)\n\nSlik gjør vi det")
    html = (
        english_client_for(world.a["coordinator"])
        .post(NEW, {"language": "nb", "text": text})
        .content.decode()
    )
    assert "only show images and media from a web address" in html
    assert not Module.objects.exists()


def test_preview_without_javascript_shows_the_module_and_saves_nothing(world, english_client_for):
    response = english_client_for(world.a["coordinator"]).post(
        NEW, {"language": "nb", "text": TEXT, "preview": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="preview-heading"' in html
    assert "<p>Slik gjør vi det i <strong>vår</strong> kommune.</p>" in html
    assert "Koordinatoren</strong> (right)" in html
    assert not Module.objects.exists()


def test_preview_with_htmx_returns_only_the_preview(world, english_client_for):
    response = english_client_for(world.a["coordinator"]).post(
        NEW, {"language": "nb", "text": TEXT, "preview": "1"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="preview"')
    assert "Velkommen hos oss" in html
    assert not Module.objects.exists()


def test_preview_of_bad_text_lists_the_same_messages(world, english_client_for):
    bad = TEXT.replace("- [x] Koordinatoren", "- [ ] Koordinatoren")
    response = english_client_for(world.a["coordinator"]).post(
        NEW, {"language": "nb", "text": bad, "preview": "1"}, headers={"HX-Request": "true"}
    )
    assert (
        "Line 16: A question needs at least one correct option, marked “- [x]”."
        in response.content.decode()
    )


def test_script_in_the_text_never_reaches_the_learner(world, english_client_for):
    text = TEXT.replace(
        "Slik gjør vi det", '<script>alert("x")</script><b onmouseover="x()">Hei</b>'
    )
    english_client_for(world.a["coordinator"]).post(
        NEW, {"language": "nb", "text": text, "is_published": "on"}
    )
    module = Module.objects.get()
    html = (
        english_client_for(world.a["user"])
        .get(reverse("learning:lesson_detail", args=["org-a", module.key, 1]))
        .content.decode()
    )
    assert "alert(" not in html
    assert "onmouseover" not in html
    assert "<b>Hei</b>" in html


def test_id_of_a_shipped_module_is_refused(world, english_client_for, content):
    text = TEXT.replace("id: our-welcome", "id: fixture-short")
    html = (
        english_client_for(world.a["coordinator"])
        .post(NEW, {"language": "nb", "text": text})
        .content.decode()
    )
    assert "Line 2: The id “fixture-short” belongs to a module shipped with Medvirk" in html
    assert not Module.objects.filter(organization=world.a.org).exists()


def test_same_id_and_language_twice_is_refused(world, english_client_for):
    org_module(world.a.org)
    html = (
        english_client_for(world.a["coordinator"])
        .post(NEW, {"language": "nb", "text": TEXT})
        .content.decode()
    )
    assert "already has a module with the id “our-welcome”" in html
    assert Module.objects.count() == 1


def test_same_id_in_another_language_is_a_translation(world, english_client_for):
    org_module(world.a.org)
    english_client_for(world.a["coordinator"]).post(NEW, {"language": "en", "text": TEXT})
    assert sorted(Module.objects.values_list("language", flat=True)) == ["en", "nb"]


def test_editing_raises_the_version_and_keeps_the_id(world, english_client_for):
    module = org_module(world.a.org)
    client = english_client_for(world.a["coordinator"])
    assert "Slik tar vi imot" in client.get(edit_url(module)).content.decode()
    response = client.post(
        edit_url(module), {"text": TEXT.replace("vår", "hele"), "is_published": "on"}
    )
    assert response.status_code == 302
    module.refresh_from_db()
    assert module.version == 2
    assert "hele" in module.lessons.get(position=0).html
    assert AccessLogEntry.objects.filter(object_type="learning.module", action="change").exists()


def test_the_id_cannot_change(world, english_client_for):
    module = org_module(world.a.org)
    html = (
        english_client_for(world.a["coordinator"])
        .post(edit_url(module), {"text": TEXT.replace("our-welcome", "renamed")})
        .content.decode()
    )
    assert "The id cannot change" in html
    module.refresh_from_db()
    assert module.key == "our-welcome"


def test_unpublishing_hides_the_module_from_learners(world, english_client_for):
    module = org_module(world.a.org)
    english_client_for(world.a["coordinator"]).post(edit_url(module), {"text": module.source_text})
    module.refresh_from_db()
    assert not module.is_published
    response = english_client_for(world.a["user"]).get(
        reverse("learning:module_detail", args=["org-a", module.key])
    )
    assert response.status_code == 404


def test_list_shows_the_organisations_modules_only(world, english_client_for):
    org_module(world.a.org, title="Vår modul")
    org_module(world.b.org, title="Deres modul")
    html = english_client_for(world.a["coordinator"]).get(LIST).content.decode()
    assert "Vår modul" in html
    assert "Deres modul" not in html


@pytest.mark.parametrize("role", ["user", "next_of_kin", "staff", "leader", "representative"])
def test_roles_without_manage_learning_get_404(world, english_client_for, role):
    module = org_module(world.a.org)
    client = english_client_for(world.a[role])
    assert client.get(LIST).status_code == 404
    assert client.post(NEW, {"language": "nb", "text": TEXT}).status_code == 404
    assert client.post(edit_url(module), {"text": TEXT}).status_code == 404
    assert Module.objects.count() == 1
