"""User representatives under /o/<org_slug>/representatives/ (namespace ``representatives``).

One URL module per area: the registry and profiles, recruitment (requests,
invitations, onboarding, assignments), honorarium (rates, claims, payroll
exports), and load and gaps.
"""

from django.urls import include, path

from medvirk.representatives import home_views

app_name = "representatives"

urlpatterns = [
    path("", home_views.home, name="home"),
    path("", include("medvirk.representatives.urls_registry")),
    path("", include("medvirk.representatives.urls_recruitment")),
    path("", include("medvirk.representatives.urls_honorarium")),
    path("", include("medvirk.representatives.urls_load")),
]
