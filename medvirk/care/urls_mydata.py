"""URLs of the individual level's "my data" pages (mounted by urls.py).

The person's own pages (no person in the URL: it is always the one logged
in): what is stored, the downloads and the deletion request. The
coordinators' list of deletion requests and the page to record an outcome.
"""

from django.urls import path

from medvirk.care import mydata_views as views

urlpatterns = [
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/my-data.json", views.my_data_json, name="my_data_json"),
    path("my-data/my-data.pdf", views.my_data_pdf, name="my_data_pdf"),
    path("my-data/deletion/", views.deletion_request, name="deletion_request"),
    path("deletion-requests/", views.deletion_requests, name="deletion_requests"),
    path(
        "deletion-requests/<int:request_id>/",
        views.deletion_request_handle,
        name="deletion_request_handle",
    ),
]
