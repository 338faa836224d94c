"""Background exports moved from ``inventory`` to ``core``: copy the existing rows (their
files stay where they are) before ``inventory`` drops its table."""

from django.db import migrations


def copy_rows(apps, schema_editor):
    Old = apps.get_model("inventory", "ExportJob")
    New = apps.get_model("core", "ExportJob")
    fields = [
        "id",
        "user_id",
        "contract_id",
        "kind",
        "format",
        "params",
        "state",
        "requested_at",
        "completed_at",
        "expires_at",
        "file",
        "rows",
        "error",
    ]
    New.objects.bulk_create(
        [New(**{f: getattr(old, f) for f in fields}) for old in Old.objects.all().iterator()],
        batch_size=500,
    )
    if schema_editor.connection.vendor == "postgresql":
        table = New._meta.db_table
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_exportjob"),
        ("inventory", "0001_initial"),
    ]

    operations = [migrations.RunPython(copy_rows, migrations.RunPython.noop)]
