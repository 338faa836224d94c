"""A line's events in (occurred_at, id) order straight from the index: "Dettaglio traffico"
sorts newest first with the pk as tie-break, which (line, occurred_at) alone made a sort of
all the period's events of the line.

The traffic table is the largest and is written all day (imports, rating): on PostgreSQL
the new index is built, and the old one dropped, CONCURRENTLY, so neither step blocks those
writes (a plain CREATE INDEX would, for as long as the build takes). That cannot run in a
transaction, hence ``atomic = False``. The new index exists before the old one goes.
SQLite builds them as Django does."""

from django.db import migrations, models

NEW = models.Index(fields=["line", "occurred_at", "id"], name="traffic_line_time_pk_idx")
OLD = models.Index(fields=["line", "occurred_at"], name="traffic_line_time_idx")


def _swap(schema_editor, model, add: models.Index, drop: models.Index) -> None:
    # PostgreSQL's schema editor builds and drops an index CONCURRENTLY on request.
    pg = schema_editor.connection.vendor == "postgresql"
    options = {"concurrently": True} if pg else {}
    schema_editor.add_index(model, add, **options)
    schema_editor.remove_index(model, drop, **options)


def forward(apps, schema_editor):
    _swap(schema_editor, apps.get_model("records", "TrafficEvent"), NEW, OLD)


def backward(apps, schema_editor):
    _swap(schema_editor, apps.get_model("records", "TrafficEvent"), OLD, NEW)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [
        ("records", "0014_line_sort_key_on_listed_rows"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forward, backward)],
            state_operations=[
                migrations.AddIndex(model_name="trafficevent", index=NEW),
                migrations.RemoveIndex(model_name="trafficevent", name=OLD.name),
            ],
        ),
    ]
