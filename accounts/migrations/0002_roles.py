"""Create the four roles as groups; give Editors the Wagtail admin for the curriculum."""

from django.db import migrations

from accounts.roles import ALL_ROLES, ensure_roles


def create_roles(apps, schema_editor):
    ensure_roles(apps)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ALL_ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailadmin", "0006_formstate"),
        ("simple_translation", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
