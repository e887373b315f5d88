"""ProviderYearFigures records the benchmark rule set its year was measured on.

Rows already stored are filled in from their academic year: up to 2024/25 the 2018 definitions,
from 2025/26 the refreshed benchmarks (the codes are written out here, as a migration must not
change with later code).
"""

from typing import Any

from django.db import migrations, models

FIRST_REFRESHED_YEAR = 2025


def fill(apps: Any, schema_editor: Any) -> None:
    figures = apps.get_model("national", "ProviderYearFigures")
    figures.objects.filter(academic_year__lt=FIRST_REFRESHED_YEAR).update(rule_set="gatsby-2018")
    figures.objects.filter(academic_year__gte=FIRST_REFRESHED_YEAR).update(rule_set="gatsby-2025")


class Migration(migrations.Migration):
    dependencies = [
        ("national", "0002_endorsement_criteria"),
    ]

    operations = [
        migrations.AddField(
            model_name="provideryearfigures",
            name="rule_set",
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
