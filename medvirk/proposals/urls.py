"""Proposals under /o/<org_slug>/proposals/."""

from django.urls import path

from medvirk.proposals import views

app_name = "proposals"

urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("new/", views.proposal_create, name="create"),
    path("new/thanks/", views.proposal_submitted, name="submitted"),
    path("mine/", views.own_list, name="mine"),
    path("<int:proposal_id>/", views.proposal_detail, name="detail"),
    path("<int:proposal_id>/moderate/", views.proposal_moderate, name="moderate"),
    path("<int:proposal_id>/support/", views.proposal_support, name="support"),
    path("changes/", views.change_list, name="changes"),
    path("changes/new/", views.change_create, name="change_create"),
    path("changes/<int:change_id>/", views.change_edit, name="change_edit"),
]
