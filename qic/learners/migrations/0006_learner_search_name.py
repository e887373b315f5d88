"""A learner's names folded for search (accents, case, punctuation and order ignored), filled for
the learners already there; `Learner.save()` and the import's bulk writes keep it in step."""

from typing import Any

from django.db import migrations, models

from qic.domain.names import search_key

BATCH = 2000


def fill_search_names(apps: Any, schema_editor: Any) -> None:
    learner_model = apps.get_model("learners", "Learner")
    rows = learner_model.objects.order_by("pk").only("pk", "forename", "surname")
    batch = []
    for learner in rows.iterator(chunk_size=BATCH):
        learner.search_name = search_key(learner.forename, learner.surname)
        batch.append(learner)
        if len(batch) == BATCH:
            learner_model.objects.bulk_update(batch, ["search_name"])
            batch = []
    learner_model.objects.bulk_update(batch, ["search_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("learners", "0005_learner_import_confirm_when_checked"),
    ]

    operations = [
        migrations.AddField(
            model_name="learner",
            name="search_name",
            field=models.CharField(blank=True, default="", editable=False, max_length=210),
        ),
        migrations.RunPython(fill_search_names, migrations.RunPython.noop),
    ]
