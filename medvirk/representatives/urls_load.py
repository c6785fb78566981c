"""URLs of the representatives app's load and gaps page (mounted by urls.py)."""

from django.urls import path

from medvirk.representatives import load_views

urlpatterns = [path("load/", load_views.load, name="load")]
