"""GIAS imports become jobs run by a task worker; imports already recorded were all done."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('organisations', '0004_independent_training_providers'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='giasimport',
            options={'ordering': ['-imported_at', '-pk']},
        ),
        migrations.AddField(
            model_name='giasimport',
            name='actor_label',
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name='giasimport',
            name='data',
            field=models.BinaryField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='giasimport',
            name='errors',
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name='giasimport',
            name='finished_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='giasimport',
            name='message',
            field=models.TextField(blank=True),
        ),
        # Every import recorded before this was a finished, successful one.
        migrations.AddField(
            model_name='giasimport',
            name='status',
            field=models.CharField(choices=[('pending', 'Waiting to start'), ('reading', 'Reading rows'), ('saving', 'Saving'), ('done', 'Imported'), ('failed', 'Not imported')], default='done', max_length=20),
        ),
        migrations.AlterField(
            model_name='giasimport',
            name='status',
            field=models.CharField(choices=[('pending', 'Waiting to start'), ('reading', 'Reading rows'), ('saving', 'Saving'), ('done', 'Imported'), ('failed', 'Not imported')], default='pending', max_length=20),
        ),
    ]
