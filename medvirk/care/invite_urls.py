"""Accepting a next-of-kin invitation: /care/invitations/<token>/ (namespace ``care_invite``)."""

from django.urls import URLPattern

app_name = "care_invite"

urlpatterns: list[URLPattern] = []
