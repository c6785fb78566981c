"""URLs of the individual level's team pages (mounted by urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
