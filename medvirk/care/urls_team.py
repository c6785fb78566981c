"""URLs of the individual level's team pages (mounted by urls.py).

``""`` is the staff overview and ``people/<id>/`` a person's page for their
care team; ``courses/`` is the coordinators' list, and a course's team and
end are under ``courses/<id>/`` (for the team on it and for coordinators);
``mine/`` is the person's own "My care".
"""

from django.urls import path

from medvirk.care import team_views as views

urlpatterns = [
    path("", views.overview, name="overview"),
    path("start/", views.start, name="start"),
    path("people/<int:person_id>/", views.person, name="person"),
    path("mine/", views.my_care, name="my_care"),
    path("courses/", views.courses, name="courses"),
    path("courses/<int:course_id>/", views.course, name="course"),
    path("courses/<int:course_id>/end/", views.course_end, name="course_end"),
    path("courses/<int:course_id>/team/add/", views.team_add, name="team_add"),
    path(
        "courses/<int:course_id>/team/<int:member_id>/",
        views.team_member,
        name="team_member",
    ),
    path(
        "courses/<int:course_id>/team/<int:member_id>/remove/",
        views.team_remove,
        name="team_remove",
    ),
]
