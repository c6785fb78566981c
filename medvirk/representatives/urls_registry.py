"""URLs of the representatives app's registry pages (mounted by urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
