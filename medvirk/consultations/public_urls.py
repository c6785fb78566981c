"""Pages anyone may read without logging in, under /p/<org_slug>/consultations/."""

from django.urls import path

from medvirk.consultations import public_views

app_name = "public_consultations"

urlpatterns = [
    path("", public_views.public_list, name="list"),
    path("<int:consultation_id>/", public_views.public_detail, name="detail"),
    path(
        "<int:consultation_id>/documents/<int:document_id>/",
        public_views.public_document,
        name="document",
    ),
]
