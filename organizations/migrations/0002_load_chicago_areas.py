from django.db import migrations

from organizations.areas import DEFAULT_FILES, load_areas


def load_chicago_areas(apps, schema_editor):
    Area = apps.get_model("organizations", "Area")
    for kind, path in DEFAULT_FILES.items():
        load_areas(Area, kind, path)


class Migration(migrations.Migration):
    dependencies = [("organizations", "0001_initial")]

    operations = [migrations.RunPython(load_chicago_areas, migrations.RunPython.noop)]
