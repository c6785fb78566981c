from django.urls import path

from medvirk.learning import views

app_name = "learning"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("m/<slug:module_key>/", views.module_detail, name="module_detail"),
    path("m/<slug:module_key>/<int:step>/", views.lesson_detail, name="lesson_detail"),
    path("m/<slug:module_key>/certificate.pdf", views.certificate, name="certificate"),
    path("required/", views.required_modules, name="required"),
    path("report/", views.report, name="report"),
    path("modules/", views.organization_module_list, name="organization_module_list"),
    path("modules/new/", views.organization_module_create, name="organization_module_create"),
    path(
        "modules/<int:module_id>/",
        views.organization_module_edit,
        name="organization_module_edit",
    ),
]
