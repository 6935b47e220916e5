"""Store search text as " w1 w2 ... " so that terms match the beginning of words."""

from django.db import migrations


def pad(apps, schema_editor):
    ProcedureVersion = apps.get_model("catalogue", "ProcedureVersion")
    for version in ProcedureVersion.objects.exclude(search_text__startswith=" ").only("search_text"):
        version.search_text = f" {version.search_text.strip()} "
        version.save(update_fields=["search_text"])


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_procedure_catalogue")]

    operations = [migrations.RunPython(pad, migrations.RunPython.noop)]
