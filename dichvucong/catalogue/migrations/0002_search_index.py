"""On PostgreSQL, index the folded search text for word-prefix full-text queries.

`core.lookups.Words` asks `to_tsvector('simple', search_text) @@ to_tsquery(...)`;
this GIN index on the same expression answers it. SQLite (the embedded default) has no
such index; there the lookup is a LIKE per term over the table, fast enough for a
catalogue of a few thousand procedures.
"""

from django.db import migrations

INDEX = "catalogue_procedureversion_search_fts"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON catalogue_procedureversion "
        "USING gin (to_tsvector('simple'::regconfig, search_text))"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_procedure_catalogue")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
