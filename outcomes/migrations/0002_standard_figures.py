"""The four customer figures every service company knows, ready to use."""

from django.db import migrations

STANDARD = [
    ("nps", "Net Promoter Score", "Net Promoter Score", "Punkte", True),
    ("csat", "Kundenzufriedenheit (CSAT)", "Customer satisfaction (CSAT)", "%", True),
    ("ces", "Kundenaufwand (CES)", "Customer effort (CES)", "", False),
    ("complaints", "Beschwerden je 1.000 Kontakte", "Complaints per 1,000 contacts", "", False),
]


def add_standard_figures(apps, schema_editor):
    Metric = apps.get_model("outcomes", "Metric")
    for code, name_de, name_en, unit, higher in STANDARD:
        Metric.objects.get_or_create(
            code=code,
            defaults={
                "name_de": name_de,
                "name_en": name_en,
                "unit": unit,
                "higher_is_better": higher,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]

    operations = [migrations.RunPython(add_standard_figures, migrations.RunPython.noop)]
