"""The installation's first taxonomy of lived experience (an administrator may edit it)."""

from django.db import migrations

AREAS = [
    "Psykisk helse",
    "Rus",
    "Kronisk sykdom",
    "Funksjonsnedsettelse",
    "Eldre",
    "Pårørende",
    "Barn og unge",
    "Demens",
    "Kreft",
    "Minoritetsbakgrunn",
    "Utviklingshemming",
    "Hjemmetjenester",
]


def add_areas(apps, schema_editor):
    area = apps.get_model("representatives", "ExperienceArea")
    for position, name in enumerate(AREAS):
        area.objects.get_or_create(name=name, defaults={"position": position})


class Migration(migrations.Migration):
    dependencies = [("representatives", "0001_initial")]

    operations = [migrations.RunPython(add_areas, migrations.RunPython.noop)]
