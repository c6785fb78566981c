"""Database triggers that keep the access log append-only.

PostgreSQL: a row trigger refuses UPDATE and DELETE. TRUNCATE is not a row
operation and stays possible, which is what Django's test flush uses.

SQLite: a trigger refuses UPDATE only. SQLite has no TRUNCATE: Django's flush
(TransactionTestCase, pytest-django ``transactional_db``, browser tests) empties
tables with a plain DELETE, so a DELETE trigger would break those tests.
SQLite is the demo and development database; deletion there is refused by the
model and its queryset only.

Both allow exactly one kind of UPDATE: clearing ``actor_id``/``subject_id``
and nothing else, which is what ``on_delete=SET_NULL`` does when a person is
deleted (the labels keep who it was).
"""

from django.db import migrations

TABLE = "accesslog_accesslogentry"

POSTGRESQL_FORWARD = [
    """
    CREATE OR REPLACE FUNCTION accesslog_refuse_change() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'UPDATE'
           AND (to_jsonb(NEW) - 'actor_id' - 'subject_id')
               = (to_jsonb(OLD) - 'actor_id' - 'subject_id')
           AND (NEW.actor_id IS NULL OR NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id)
           AND (NEW.subject_id IS NULL OR NEW.subject_id IS NOT DISTINCT FROM OLD.subject_id)
        THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'access-log entries are append-only: % refused', TG_OP
            USING ERRCODE = 'restrict_violation';
    END;
    $$ LANGUAGE plpgsql;
    """,
    f"""
    CREATE TRIGGER accesslog_append_only
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION accesslog_refuse_change();
    """,
]
POSTGRESQL_BACKWARD = [
    f"DROP TRIGGER IF EXISTS accesslog_append_only ON {TABLE};",
    "DROP FUNCTION IF EXISTS accesslog_refuse_change();",
]

# SQLite cannot compare whole rows: every column but actor_id and subject_id is
# listed. A new column must be added here (tests/test_append_only.py checks each).
SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER accesslog_append_only_update
    BEFORE UPDATE ON {TABLE}
    WHEN NEW.id IS NOT OLD.id
      OR NEW.created_at IS NOT OLD.created_at
      OR NEW.organization_id IS NOT OLD.organization_id
      OR NEW.actor_label IS NOT OLD.actor_label
      OR NEW.action IS NOT OLD.action
      OR NEW.subject_label IS NOT OLD.subject_label
      OR NEW.object_type IS NOT OLD.object_type
      OR NEW.object_id IS NOT OLD.object_id
      OR NEW.object_label IS NOT OLD.object_label
      OR (NEW.actor_id IS NOT NULL AND NEW.actor_id IS NOT OLD.actor_id)
      OR (NEW.subject_id IS NOT NULL AND NEW.subject_id IS NOT OLD.subject_id)
    BEGIN
        SELECT RAISE(ABORT, 'access-log entries are append-only: UPDATE refused');
    END;
    """,
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS accesslog_append_only_update;"]


class RunSQLForVendor(migrations.operations.base.Operation):
    """RunSQL with one script per database vendor; other vendors get nothing.

    An operation rather than RunPython, so that ``sqlmigrate`` shows the SQL.
    """

    reversible = True
    reduces_to_sql = True

    def __init__(self, forward, backward):
        self.forward = forward
        self.backward = backward

    def state_forwards(self, app_label, state):
        pass

    def _execute(self, scripts, schema_editor):
        # Other databases get the model- and queryset-level guards only.
        for sql in scripts.get(schema_editor.connection.vendor, []):
            # params=None: the SQL holds literal % signs, not placeholders.
            schema_editor.execute(sql, params=None)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._execute(self.forward, schema_editor)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._execute(self.backward, schema_editor)

    def describe(self):
        return "Create the access log's append-only triggers"


class Migration(migrations.Migration):
    dependencies = [
        ("accesslog", "0002_initial"),
    ]

    operations = [
        RunSQLForVendor(
            forward={"postgresql": POSTGRESQL_FORWARD, "sqlite": SQLITE_FORWARD},
            backward={"postgresql": POSTGRESQL_BACKWARD, "sqlite": SQLITE_BACKWARD},
        ),
    ]
