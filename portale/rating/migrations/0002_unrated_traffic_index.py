"""A partial index on the events still to rate (the rating engine's work queue).

It lives here, as SQL valid on both PostgreSQL and SQLite, because the traffic table
belongs to ``records``: the index is the rating engine's own access path and does not
change the model.
"""

from django.db import migrations

INDEX = "rating_traffic_unrated_idx"


class Migration(migrations.Migration):
    dependencies = [("rating", "0001_initial"), ("records", "0001_initial")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON records_trafficevent (id) "
            "WHERE rated_at IS NULL",
            f"DROP INDEX IF EXISTS {INDEX}",
        )
    ]
