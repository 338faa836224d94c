"""A line's events in (occurred_at, id) order straight from the index: "Dettaglio traffico"
sorts newest first with the pk as tie-break, which (line, occurred_at) alone made a sort of
all the period's events of the line. The new index is built before the old one goes."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0014_line_sort_key_on_listed_rows"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="trafficevent",
            index=models.Index(
                fields=["line", "occurred_at", "id"], name="traffic_line_time_pk_idx"
            ),
        ),
        migrations.RemoveIndex(
            model_name="trafficevent",
            name="traffic_line_time_idx",
        ),
    ]
