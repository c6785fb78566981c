"""Meeting pages under /o/<org_slug>/councils/ (namespace ``councils``, names ``meeting_*``)."""

from django.urls import path

from medvirk.councils import meeting_views as views

urlpatterns = [
    path("meetings/", views.meeting_upcoming, name="meeting_upcoming"),
    path("<int:council_id>/meetings/", views.meeting_list, name="meeting_list"),
    path("<int:council_id>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:meeting_id>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:meeting_id>/agenda/", views.meeting_agenda, name="meeting_agenda"),
    path(
        "meetings/agenda/<int:item_id>/",
        views.meeting_agenda_item_edit,
        name="meeting_agenda_item_edit",
    ),
    path(
        "meetings/agenda/<int:item_id>/remove/",
        views.meeting_agenda_item_delete,
        name="meeting_agenda_item_delete",
    ),
    path(
        "meetings/<int:meeting_id>/documents/",
        views.meeting_documents,
        name="meeting_documents",
    ),
    path(
        "meetings/documents/<int:document_id>/",
        views.meeting_document,
        name="meeting_document",
    ),
    path(
        "meetings/documents/<int:document_id>/remove/",
        views.meeting_document_delete,
        name="meeting_document_delete",
    ),
    path(
        "meetings/<int:meeting_id>/invitations/",
        views.meeting_invitations,
        name="meeting_invitations",
    ),
    path("meetings/<int:meeting_id>/answer/", views.meeting_rsvp, name="meeting_rsvp"),
    path("meetings/<int:meeting_id>/meeting.ics", views.meeting_ics, name="meeting_ics"),
    path(
        "meetings/<int:meeting_id>/attendance/",
        views.meeting_attendance,
        name="meeting_attendance",
    ),
    path("meetings/<int:meeting_id>/minutes/", views.meeting_minutes, name="meeting_minutes"),
    path(
        "meetings/<int:meeting_id>/agenda.pdf",
        views.meeting_agenda_pdf,
        name="meeting_agenda_pdf",
    ),
    path(
        "meetings/<int:meeting_id>/minutes.pdf",
        views.meeting_minutes_pdf,
        name="meeting_minutes_pdf",
    ),
]
