"""Workplace experiences record hours instead of days (the work-experience guarantee counts hours).

Days already recorded become hours at 5 hours a day: CEC's 50 hours are "about two weeks" of
work experience (DOMAIN.md §3c), i.e. ten school days of 5 hours. A record longer than 40 days
would exceed the 200-hour limit per activity; it is kept at 200 hours.
"""

from decimal import Decimal

from django.db import migrations, models

HOURS_PER_DAY = Decimal(5)  # frozen here: a migration must not change with later code
MAX_HOURS = Decimal(200)


def days_to_hours(apps, schema_editor):
    Activity = apps.get_model("programme", "Activity")
    for activity in Activity.objects.filter(days__isnull=False).only("pk", "days"):
        hours = min(activity.days * HOURS_PER_DAY, MAX_HOURS)
        Activity.objects.filter(pk=activity.pk).update(hours=hours)


def hours_to_days(apps, schema_editor):
    Activity = apps.get_model("programme", "Activity")
    for activity in Activity.objects.filter(hours__isnull=False).only("pk", "hours"):
        Activity.objects.filter(pk=activity.pk).update(days=(activity.hours / HOURS_PER_DAY).quantize(Decimal("0.1")))


class Migration(migrations.Migration):
    dependencies = [("programme", "0005_provider_access")]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="hours",
            field=models.DecimalField(
                blank=True,
                decimal_places=1,
                help_text="Workplace experiences: how many hours each learner spent at the workplace, for example 2.5",
                max_digits=4,
                null=True,
            ),
        ),
        migrations.RunPython(days_to_hours, hours_to_days),
        migrations.RemoveField(model_name="activity", name="days"),
    ]
