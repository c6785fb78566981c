"""URLs of the representatives app's recruitment pages (mounted by urls.py).

``requests/``, ``invitations/``, ``onboarding/`` and ``assignments/`` are the
coordinators'; ``me/`` holds the invited person's own invitations, onboarding
checklist and assignments.
"""

from django.urls import path

from medvirk.representatives import recruitment_views as views

urlpatterns = [
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:request_id>/", views.request_detail, name="request_detail"),
    path("requests/<int:request_id>/edit/", views.request_edit, name="request_edit"),
    path("requests/<int:request_id>/cancel/", views.request_cancel, name="request_cancel"),
    path("requests/<int:request_id>/status/", views.request_status, name="request_status"),
    path(
        "invitations/<int:invitation_id>/cancel/",
        views.invitation_cancel,
        name="invitation_cancel",
    ),
    path(
        "invitations/<int:invitation_id>/assign/",
        views.assignment_create,
        name="assignment_create",
    ),
    path("onboarding/<int:onboarding_id>/", views.onboarding_detail, name="onboarding_detail"),
    path("assignments/", views.assignment_list, name="assignment_list"),
    path("assignments/<int:assignment_id>/end/", views.assignment_end, name="assignment_end"),
    path("me/invitations/", views.my_invitations, name="my_invitations"),
    path(
        "me/invitations/<int:invitation_id>/",
        views.invitation_respond,
        name="invitation_respond",
    ),
    path("me/onboarding/", views.my_onboarding, name="my_onboarding"),
    path("me/assignments/", views.my_assignments, name="my_assignments"),
]
