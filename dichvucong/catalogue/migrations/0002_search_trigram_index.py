"""On PostgreSQL, index the folded search text with trigrams so LIKE '%term%' uses it.

SQLite (the embedded default) has no such index type; there the migration does nothing
and searches scan the table, which is fast enough for a catalogue of a few thousand.
Creating the pg_trgm extension needs a role allowed to create extensions; where the
application's role is not, a database administrator runs
`CREATE EXTENSION pg_trgm;` once before migrating.
"""

from django.db import migrations

INDEX = "catalogue_procedureversion_search_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON catalogue_procedureversion "
        "USING gin (search_text gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_procedure_catalogue")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
