"""Load the Consortium's endorsement criteria from qic/national/data/endorsement-criteria.yaml."""

from pathlib import Path
from typing import Any

import yaml
from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "endorsement-criteria.yaml"


def load(apps: Any, schema_editor: Any) -> None:
    criterion = apps.get_model("national", "EndorsementCriterion")
    for position, row in enumerate(yaml.safe_load(DATA.read_text(encoding="utf-8")), start=1):
        criterion.objects.update_or_create(
            code=row["code"],
            defaults={"benchmark": row["benchmark"], "position": position, "title": row["title"], "text": row["text"]},
        )


def unload(apps: Any, schema_editor: Any) -> None:
    apps.get_model("national", "EndorsementCriterion").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("national", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
