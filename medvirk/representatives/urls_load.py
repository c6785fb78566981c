"""URLs of the representatives app's load pages (mounted by urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
