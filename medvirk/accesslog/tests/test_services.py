"""log_access writes one complete entry, whichever app calls it."""

from __future__ import annotations

import pytest

from medvirk.accesslog.models import AccessAction, AccessLogEntry
from medvirk.accesslog.services import log_access


def test_every_field_is_written_from_the_object_and_the_people(world):
    actor, subject, unit = world.a["staff"], world.a["user"], world.a.unit
    entry = log_access(
        actor=actor, action="view", organization=world.a.org, obj=unit, subject=subject
    )
    entry = AccessLogEntry.objects.get(pk=entry.pk)
    assert entry.created_at is not None
    assert entry.organization == world.a.org
    assert (entry.actor, entry.actor_label) == (actor, actor.email)
    assert entry.action == AccessAction.VIEW
    assert (entry.subject, entry.subject_label) == (subject, subject.email)
    assert entry.object_type == "organizations.unit"
    assert entry.object_id == str(unit.pk)
    assert entry.object_label == str(unit)


def test_without_object_or_subject_the_given_type_and_label_are_kept(world):
    entry = log_access(
        actor=world.a["admin"],
        action=AccessAction.EXPORT,
        organization=world.a.org,
        object_type="accesslog.accesslogentry",
        object_label="action=view",
    )
    assert (entry.subject, entry.subject_label) == (None, "")
    assert (entry.object_type, entry.object_id, entry.object_label) == (
        "accesslog.accesslogentry",
        "",
        "action=view",
    )


def test_an_explicit_object_type_wins_over_the_model(world):
    entry = log_access(
        actor=world.a["staff"],
        action="change",
        organization=world.a.org,
        obj=world.a.unit,
        object_type="care.plan",
    )
    assert entry.object_type == "care.plan"


def test_a_long_record_label_is_cut_to_the_column(world):
    entry = log_access(
        actor=world.a["staff"],
        action="view",
        organization=world.a.org,
        object_type="x.y",
        object_label="x" * 500,
    )
    assert entry.object_label == "x" * 200


def test_an_unknown_action_is_refused_and_nothing_is_stored(world):
    with pytest.raises(ValueError, match="peek"):
        log_access(actor=world.a["staff"], action="peek", organization=world.a.org)
    assert not AccessLogEntry.objects.exists()
