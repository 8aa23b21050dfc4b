"""Editors author quizzes: give the Editor role add/change/delete on quizzes."""

from django.db import migrations

from accounts.roles import ensure_roles


def grant(apps, schema_editor):
    ensure_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0002_questions_and_frozen_attempts"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
