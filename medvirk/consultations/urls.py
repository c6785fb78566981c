from django.urls import path

from medvirk.consultations import views

app_name = "consultations"

urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("new/", views.consultation_create, name="create"),
    path("<int:consultation_id>/", views.consultation_detail, name="detail"),
    path("<int:consultation_id>/edit/", views.consultation_edit, name="edit"),
    path("<int:consultation_id>/publish/", views.consultation_publish, name="publish"),
    path("<int:consultation_id>/respond/", views.respond, name="respond"),
    path("<int:consultation_id>/responses/", views.response_list, name="responses"),
    path("<int:consultation_id>/decision/", views.decision, name="decision"),
    path("<int:consultation_id>/documents/", views.document_list, name="documents"),
    path(
        "<int:consultation_id>/documents/<int:document_id>/",
        views.document_download,
        name="document",
    ),
    path(
        "<int:consultation_id>/documents/<int:document_id>/delete/",
        views.document_delete,
        name="document_delete",
    ),
]
