"""Reflection notes are private: nobody but the learner reads them, not even admins."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from medvirk.learning.models import ReflectionNote
from medvirk.learning.tests.factories import FULL_KEY
from medvirk.organizations.roles import Role

pytestmark = pytest.mark.usefixtures("content")

SECRET = "Jeg er redd for å si fra til lederen min."
LESSON = reverse("learning:lesson_detail", args=["org-a", FULL_KEY, 4])


@pytest.fixture
def note(world, english_client_for) -> ReflectionNote:
    english_client_for(world.a["staff"]).post(LESSON, {"text": SECRET})
    return ReflectionNote.objects.get()


@pytest.mark.parametrize("role", [role.value for role in Role if role != Role.STAFF])
def test_nobody_else_in_the_organisation_sees_the_note(world, english_client_for, note, role):
    """Every other role, admins and coordinators included, opens the same lesson and
    sees an empty notes field of their own."""
    html = english_client_for(world.a[role]).get(LESSON).content.decode()
    assert SECRET not in html
    assert SECRET.replace("å", "&aring;") not in html


def test_no_page_an_admin_can_open_shows_the_note(world, english_client_for, note):
    client = english_client_for(world.a["admin"])
    for url in [
        reverse("learning:catalogue", args=["org-a"]),
        reverse("learning:module_detail", args=["org-a", FULL_KEY]),
        reverse("learning:report", args=["org-a"]),
        reverse("learning:required", args=["org-a"]),
        reverse("accesslog:entry_list", args=["org-a"]),
    ]:
        assert SECRET not in client.get(url).content.decode(), url


def test_the_note_is_not_in_the_technical_admin(db):
    """The Django admin (for the installation's operator) has no page for notes."""
    assert ReflectionNote not in admin.site._registry


def test_the_writer_sees_their_own_note(world, english_client_for, note):
    assert SECRET in english_client_for(world.a["staff"]).get(LESSON).content.decode()


def test_a_second_save_replaces_the_note(world, english_client_for, note):
    english_client_for(world.a["staff"]).post(LESSON, {"text": "Ny tekst"})
    assert list(ReflectionNote.objects.values_list("text", flat=True)) == ["Ny tekst"]
