"""URLs of the individual level's kin pages (mounted by urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
