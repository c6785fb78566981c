"""Organisation-scoped object URLs of this app, for tests/test_cross_organisation.py.

Councils, seats and memberships are built with the shared factories in the
owning organisation; the same role in the other organisation must get 404.
"""

from __future__ import annotations

from typing import Any

from medvirk.core.testing import ObjectViewCase
from medvirk.councils.tests import factories


def _council(world: Any) -> dict[str, Any]:
    return {"council_id": factories.council(world.org).pk}


def _seat(world: Any) -> dict[str, Any]:
    council = factories.council(world.org)
    return {"council_id": council.pk, "seat_id": factories.seat(council).pk}


def _member(world: Any) -> dict[str, Any]:
    council = factories.council(world.org)
    member = factories.member(council, world["representative"])
    return {"council_id": council.pk, "member_id": member.pk}


CASES: list[ObjectViewCase] = [
    ObjectViewCase("councils:detail", _council, role="user"),
    ObjectViewCase("councils:edit", _council, role="coordinator"),
    ObjectViewCase("councils:seat_create", _council, role="coordinator"),
    ObjectViewCase("councils:member_add", _council, role="coordinator"),
    ObjectViewCase("councils:seat_edit", _seat, role="coordinator"),
    ObjectViewCase("councils:seat_remove", _seat, role="admin"),
    ObjectViewCase("councils:member_edit", _member, role="coordinator"),
    ObjectViewCase("councils:member_end", _member, role="admin"),
]


# --- Meetings -----------------------------------------------------------------------------
# Imported here so the councils part above stays as it was written.
from medvirk.councils.tests import meeting_factories  # noqa: E402


def _meeting(world: Any) -> dict[str, Any]:
    council = factories.council(world.org)
    return {"meeting_id": meeting_factories.meeting(council).pk}


def _meeting_with_minutes(world: Any) -> dict[str, Any]:
    council = factories.council(world.org)
    meeting = meeting_factories.meeting(council)
    meeting_factories.agenda_item(meeting, minutes="Rådet drøftet saken.")
    return {"meeting_id": meeting.pk}


def _agenda_item(world: Any) -> dict[str, Any]:
    meeting = meeting_factories.meeting(factories.council(world.org))
    return {"item_id": meeting_factories.agenda_item(meeting).pk}


def _document(world: Any) -> dict[str, Any]:
    meeting = meeting_factories.meeting(factories.council(world.org))
    return {"document_id": meeting_factories.document(meeting).pk}


def _invited(world: Any) -> dict[str, Any]:
    council = factories.council(world.org)
    factories.member(council, world["representative"])
    meeting = meeting_factories.meeting(council)
    meeting_factories.invitation(meeting, world["representative"])
    return {"meeting_id": meeting.pk}


CASES += [
    ObjectViewCase("councils:meeting_list", _council, role="user"),
    ObjectViewCase("councils:meeting_create", _council, role="coordinator"),
    ObjectViewCase("councils:meeting_detail", _meeting, role="user"),
    ObjectViewCase("councils:meeting_edit", _meeting, role="coordinator"),
    ObjectViewCase("councils:meeting_agenda", _meeting, role="coordinator"),
    ObjectViewCase("councils:meeting_agenda_item_edit", _agenda_item, role="coordinator"),
    ObjectViewCase("councils:meeting_agenda_item_delete", _agenda_item, role="admin"),
    ObjectViewCase("councils:meeting_documents", _meeting, role="coordinator"),
    ObjectViewCase("councils:meeting_document", _document, role="coordinator"),
    ObjectViewCase("councils:meeting_document_delete", _document, role="admin"),
    ObjectViewCase("councils:meeting_invitations", _meeting, role="coordinator"),
    ObjectViewCase("councils:meeting_rsvp", _invited, role="representative"),
    ObjectViewCase("councils:meeting_ics", _meeting, role="staff"),
    ObjectViewCase("councils:meeting_attendance", _meeting, role="coordinator"),
    ObjectViewCase("councils:meeting_minutes", _meeting, role="admin"),
    ObjectViewCase("councils:meeting_agenda_pdf", _meeting, role="user"),
    ObjectViewCase("councils:meeting_minutes_pdf", _meeting_with_minutes, role="coordinator"),
]
