"""Public proposal form and "you said — we did", under /p/<org_slug>/."""

from django.urls import path

from medvirk.proposals import public_views

app_name = "public_proposals"

urlpatterns = [
    path("proposals/new/", public_views.public_create, name="create"),
    path("proposals/thanks/", public_views.public_submitted, name="submitted"),
    path("you-said-we-did/", public_views.you_said_we_did, name="you_said_we_did"),
]
