"""A signature's delivery, once set, can never change: enforced by the database itself."""

from django.db import migrations

POSTGRES_UP = [
    """
CREATE FUNCTION petitions_signature_delivery_is_final() RETURNS trigger AS $$
BEGIN
    IF OLD.delivery_id IS NOT NULL AND NEW.delivery_id IS DISTINCT FROM OLD.delivery_id THEN
        RAISE EXCEPTION 'signature % already belongs to delivery %', OLD.id, OLD.delivery_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql
""",
    """
CREATE TRIGGER petitions_signature_delivery_is_final
    BEFORE UPDATE OF delivery_id ON petitions_signature
    FOR EACH ROW EXECUTE FUNCTION petitions_signature_delivery_is_final()
""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER petitions_signature_delivery_is_final ON petitions_signature",
    "DROP FUNCTION petitions_signature_delivery_is_final()",
]
SQLITE_UP = [
    """
CREATE TRIGGER petitions_signature_delivery_is_final
    BEFORE UPDATE OF delivery_id ON petitions_signature
    WHEN OLD.delivery_id IS NOT NULL AND NEW.delivery_id IS NOT OLD.delivery_id
BEGIN
    SELECT RAISE(ABORT, 'signature already belongs to a delivery');
END
"""
]
SQLITE_DOWN = ["DROP TRIGGER petitions_signature_delivery_is_final"]


def run(schema_editor, postgres, sqlite):
    for statement in postgres if schema_editor.connection.vendor == "postgresql" else sqlite:
        schema_editor.execute(statement, params=None)


def create_trigger(apps, schema_editor):
    run(schema_editor, POSTGRES_UP, SQLITE_UP)


def drop_trigger(apps, schema_editor):
    run(schema_editor, POSTGRES_DOWN, SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("petitions", "0003_updates")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
