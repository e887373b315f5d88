"""A GIAS import keeps the values its rows were saved without (a postcode that is not one)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('organisations', '0005_gias_import_jobs'),
    ]

    operations = [
        migrations.AddField(
            model_name='giasimport',
            name='notices',
            field=models.JSONField(blank=True, default=list),
        ),
    ]
