"""Survey results under /o/<org_slug>/surveys/ (namespace ``surveys``).

The list of surveys with results at ``results/``; each survey's results at
``<survey_id>/results/``.
"""

from django.urls import path

from medvirk.surveys import results_views

urlpatterns = [
    path("results/", results_views.results_list, name="results_list"),
    path("<int:survey_id>/results/", results_views.results, name="results"),
    path("<int:survey_id>/results/free-text/", results_views.free_text, name="free_text"),
    path("<int:survey_id>/results/summary.pdf", results_views.results_pdf, name="results_pdf"),
    path(
        "<int:survey_id>/results/export/<str:fmt>/",
        results_views.results_export,
        name="results_export",
    ),
]
