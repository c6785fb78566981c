from django.urls import path

from medvirk.organizations import views

app_name = "organizations"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit_detail"),
    path("units/<int:unit_id>/edit/", views.unit_edit, name="unit_edit"),
    path("members/", views.member_list, name="member_list"),
    path("members/new/", views.member_add, name="member_add"),
    path("members/<int:membership_id>/remove/", views.member_remove, name="member_remove"),
]
