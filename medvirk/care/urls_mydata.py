"""URLs of the individual level's "my data" pages (mounted by urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
