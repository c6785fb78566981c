"""The individual level under /o/<org_slug>/care/ (namespace ``care``).

``urls_team`` holds the care team's pages (the staff overview, courses of
care, teams, the end of a course); ``urls_kin`` the person's next-of-kin
grants and "who can see my data". Accepting an invitation is outside any
organisation (``invite_urls``, at /care/invitations/), since the next of kin
is not a member yet.
"""

from django.urls import include, path

app_name = "care"

urlpatterns = [
    path("", include("medvirk.care.urls_team")),
    path("", include("medvirk.care.urls_kin")),
    path("", include("medvirk.care.urls_mydata")),
    path("", include("medvirk.care.urls_plan")),
    path("", include("medvirk.care.urls_feedback")),
    path("", include("medvirk.care.urls_topics")),
]
