"""The access log can only grow: at the model, the queryset and the database.

The database triggers (migration 0003) are tested with raw SQL, which passes
the ORM by. PostgreSQL refuses UPDATE and DELETE; SQLite refuses UPDATE only,
because Django's test flush empties SQLite tables with DELETE.
"""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from medvirk.accesslog.models import AccessLogEntry, AppendOnlyError
from medvirk.accesslog.tests.factories import AccessLogEntryFactory
from medvirk.accounts.tests.factories import UserFactory

TABLE = AccessLogEntry._meta.db_table
# A value of the right type for each column, different from what the factory writes.
NEW_VALUES: dict[str, int | str] = {
    "id": 999_999,
    "created_at": "2001-01-01 00:00:00",
    "action": "delete",
    "actor_label": "someone.else@example.test",
    "subject_label": "someone.else@example.test",
    "object_type": "other.kind",
    "object_id": "other-id",
    "object_label": "Other record",
}


@pytest.fixture
def entry(world):
    return AccessLogEntryFactory.create(
        organization=world.a.org,
        actor=world.a["staff"],
        actor_label=world.a["staff"].email,
        subject=world.a["user"],
        subject_label=world.a["user"].email,
    )


def _raw(sql: str, params: list[int | str]) -> None:
    # A savepoint, so that PostgreSQL's aborted statement does not end the test's transaction.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


# --- model -----------------------------------------------------------------------


def test_saving_an_existing_entry_is_refused(entry):
    entry.object_label = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    assert AccessLogEntry.objects.get(pk=entry.pk).object_label != "changed"


def test_deleting_an_entry_is_refused(entry):
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert AccessLogEntry.objects.filter(pk=entry.pk).exists()


# --- queryset --------------------------------------------------------------------


def test_bulk_update_through_the_queryset_is_refused(entry):
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.filter(pk=entry.pk).update(object_label="changed")
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.update(object_label="changed")
    assert AccessLogEntry.objects.get(pk=entry.pk).object_label != "changed"


def test_bulk_update_of_objects_is_refused(entry):
    entry.object_label = "changed"
    # bulk_update runs in its own atomic block without a savepoint: give it one.
    with pytest.raises(AppendOnlyError), transaction.atomic():
        AccessLogEntry.objects.bulk_update([entry], ["object_label"])
    assert AccessLogEntry.objects.get(pk=entry.pk).object_label != "changed"


def test_bulk_delete_through_the_queryset_is_refused(entry):
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.all().delete()
    assert AccessLogEntry.objects.filter(pk=entry.pk).exists()


# --- database ----------------------------------------------------------------------


@pytest.mark.parametrize("column", sorted(NEW_VALUES))
def test_raw_sql_update_of_any_column_is_refused(entry, column):
    with pytest.raises(DatabaseError, match="append-only"):
        _raw(f"UPDATE {TABLE} SET {column} = %s WHERE id = %s", [NEW_VALUES[column], entry.pk])  # noqa: S608
    assert AccessLogEntry.objects.filter(pk=entry.pk, action="view").exists()


def test_every_column_is_guarded_by_the_trigger():
    """A new column must be added to the trigger and to NEW_VALUES above."""
    columns = {field.column for field in AccessLogEntry._meta.concrete_fields}
    unlinked = {"actor_id", "subject_id", "organization_id"}
    assert columns - unlinked == set(NEW_VALUES)


@pytest.mark.parametrize("column", ["organization_id", "actor_id", "subject_id"])
def test_raw_sql_cannot_point_an_entry_at_another_organisation_or_person(entry, world, column):
    other = world.b.org.pk if column == "organization_id" else world.b["admin"].pk
    with pytest.raises(DatabaseError, match="append-only"):
        _raw(f"UPDATE {TABLE} SET {column} = %s WHERE id = %s", [other, entry.pk])  # noqa: S608
    stored = AccessLogEntry.objects.get(pk=entry.pk)
    assert (stored.organization, stored.actor, stored.subject) == (
        world.a.org,
        world.a["staff"],
        world.a["user"],
    )


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite keeps DELETE possible for Django's test flush (see migration 0003)",
)
def test_raw_sql_delete_is_refused_on_postgresql(entry):
    with pytest.raises(DatabaseError, match="append-only"):
        _raw(f"DELETE FROM {TABLE} WHERE id = %s", [entry.pk])  # noqa: S608
    assert AccessLogEntry.objects.filter(pk=entry.pk).exists()


def test_deleting_a_person_keeps_their_entries_with_the_logged_labels(world):
    """The one change the trigger allows: on_delete=SET_NULL when a person is deleted."""
    staff, subject = UserFactory.create(), UserFactory.create()
    entry = AccessLogEntryFactory.create(
        organization=world.a.org,
        actor=staff,
        actor_label=staff.email,
        subject=subject,
        subject_label=subject.email,
    )
    staff_email, subject_email = staff.email, subject.email
    staff.delete()
    subject.delete()
    stored = AccessLogEntry.objects.get(pk=entry.pk)
    assert (stored.actor, stored.actor_label) == (None, staff_email)
    assert (stored.subject, stored.subject_label) == (None, subject_email)


@pytest.mark.django_db(transaction=True)
def test_the_test_flush_can_still_empty_the_table():
    """Browser tests use ``transactional_db``: Django empties every table after each.

    PostgreSQL flushes with TRUNCATE, which row triggers do not see; SQLite
    flushes with DELETE, which is why SQLite has no DELETE trigger. If the
    flush were refused, this test would error in its teardown.
    """
    AccessLogEntryFactory.create()
    assert AccessLogEntry.objects.count() == 1
