"""URLs of the individual level's kin pages (mounted by urls.py).

The person's side: "who can see my data", inviting a next of kin, changing
and withdrawing a grant. The next of kin's side, under ``shared/``: the
people who share with them and a page per person.
"""

from django.urls import path

from medvirk.care import kin_views as views

urlpatterns = [
    path("who-can-see/", views.who_can_see, name="who_can_see"),
    path("next-of-kin/invite/", views.kin_invite, name="kin_invite"),
    path("next-of-kin/<int:grant_id>/", views.kin_grant_edit, name="kin_grant_edit"),
    path(
        "next-of-kin/<int:grant_id>/withdraw/",
        views.kin_grant_withdraw,
        name="kin_grant_withdraw",
    ),
    path("shared/", views.shared_with_me, name="shared_with_me"),
    path("shared/<int:person_id>/", views.kin_person, name="kin_person"),
]
