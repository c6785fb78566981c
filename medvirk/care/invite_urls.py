"""Accepting a next-of-kin invitation: /care/invitations/<token>/ (namespace ``care_invite``).

Outside any organisation, since the next of kin may not be a member yet. Login
is required as everywhere (the middleware sends people to log in or sign up
and back here with ``next``).
"""

from django.urls import path

from medvirk.care import kin_views as views

app_name = "care_invite"

urlpatterns = [
    path("<str:token>/", views.accept, name="accept"),
]
