"""Survey management under /o/<org_slug>/surveys/ (included by ``surveys.urls``)."""

from django.urls import path

from medvirk.surveys import manage_views as views

urlpatterns = [
    path("", views.survey_list, name="list"),
    path("new/", views.survey_create, name="create"),
    path("<int:survey_id>/", views.survey_detail, name="detail"),
    path("<int:survey_id>/edit/", views.survey_edit, name="edit"),
    path("<int:survey_id>/publish/", views.survey_publish, name="publish"),
    path("<int:survey_id>/count/", views.survey_count, name="count"),
    path("<int:survey_id>/qr.png", views.survey_qr_png, name="qr_png"),
    path("<int:survey_id>/qr.svg", views.survey_qr_svg, name="qr_svg"),
    path("<int:survey_id>/poster/", views.survey_poster, name="poster"),
    path("<int:survey_id>/poster.pdf", views.survey_poster_pdf, name="poster_pdf"),
    path("<int:survey_id>/codes/", views.survey_codes, name="codes"),
    path("<int:survey_id>/codes/sheet/", views.survey_codes_sheet, name="codes_sheet"),
    path("<int:survey_id>/codes/sheet.pdf", views.survey_codes_sheet_pdf, name="codes_sheet_pdf"),
]
