"""Editors author observation checklists: give the Editor role add/change/delete on them."""

from django.db import migrations

from accounts.roles import ensure_roles


def grant(apps, schema_editor):
    ensure_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("champions", "0002_floor_observations"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
