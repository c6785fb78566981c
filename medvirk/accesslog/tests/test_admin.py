"""The technical operator reads the access log in Django's admin and can change nothing."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from medvirk.accesslog.models import AccessLogEntry
from medvirk.accesslog.tests.factories import AccessLogEntryFactory
from medvirk.accounts.models import User


@pytest.fixture
def operator(db):
    user = User.objects.create_superuser(email="operator@example.test", password="x" * 12)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


def test_a_superuser_may_only_view(operator):
    model_admin = admin.site._registry[AccessLogEntry]
    request = RequestFactory().get("/")
    request.user = operator
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_the_list_and_an_entry_open_read_only(world, operator, client):
    entry = AccessLogEntryFactory.create(organization=world.a.org, object_label="Seen in admin")
    client.force_login(operator)
    changelist = client.get(reverse("admin:accesslog_accesslogentry_changelist"))
    assert changelist.status_code == 200
    assert "delete_selected" not in changelist.content.decode()
    detail = client.get(reverse("admin:accesslog_accesslogentry_change", args=[entry.pk]))
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "Seen in admin" in html
    assert 'name="object_label"' not in html  # shown as text, not as a field
    assert 'name="_save"' not in html


def test_adding_changing_and_deleting_in_the_admin_is_refused(world, operator, client):
    entry = AccessLogEntryFactory.create(organization=world.a.org, object_label="Kept")
    client.force_login(operator)
    assert client.get(reverse("admin:accesslog_accesslogentry_add")).status_code == 403
    change = reverse("admin:accesslog_accesslogentry_change", args=[entry.pk])
    assert client.post(change, {"object_label": "Changed"}).status_code == 403
    delete = reverse("admin:accesslog_accesslogentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    bulk = client.post(
        reverse("admin:accesslog_accesslogentry_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    assert AccessLogEntry.objects.get(pk=entry.pk).object_label == "Kept"
