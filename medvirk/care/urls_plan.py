"""The individual level's plan pages (included by medvirk/care/urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
