"""URLs of the representatives app's registry pages (mounted by urls.py).

``me/`` is the person's own profile (representatives and experience
consultants); ``registry/`` is the coordinators' search.
"""

from django.urls import path

from medvirk.representatives import registry_views as views

urlpatterns = [
    path("me/", views.my_profile, name="my_profile"),
    path("me/consent/", views.my_profile_consent, name="my_profile_consent"),
    path("me/edit/", views.my_profile_edit, name="my_profile_edit"),
    path("me/withdraw/", views.my_profile_withdraw, name="my_profile_withdraw"),
    path("me/training/add/", views.my_training_add, name="my_training_add"),
    path(
        "me/training/<int:record_id>/delete/",
        views.my_training_delete,
        name="my_training_delete",
    ),
    path("registry/", views.registry, name="registry"),
    path("registry/areas/", views.areas, name="areas"),
    path("registry/<int:profile_id>/", views.profile_detail, name="profile_detail"),
    path(
        "registry/<int:profile_id>/training/add/",
        views.profile_training_add,
        name="profile_training_add",
    ),
]
