# Placements: the employer's details and checks, documents, consent, feedback and completion.

import django.db.models.deletion
import qic.partners.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('partners', '0003_confirmations'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='placement',
            name='cancelled_reason',
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name='placement',
            name='completed_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='placement',
            name='consent_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='placement',
            name='consent_given',
            field=models.BooleanField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='placement',
            name='consent_link',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='partners.partnerlink'),
        ),
        migrations.AddField(
            model_name='placement',
            name='consent_name',
            field=models.CharField(blank=True, max_length=200, verbose_name='name of the person consenting'),
        ),
        migrations.AddField(
            model_name='placement',
            name='consent_recorded_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='placement',
            name='consent_relationship',
            field=models.CharField(blank=True, max_length=100, verbose_name='relationship to the learner'),
        ),
        migrations.AddField(
            model_name='placement',
            name='details_given_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='placement',
            name='emergency_phone',
            field=models.CharField(blank=True, max_length=40, verbose_name='emergency contact phone number'),
        ),
        migrations.AddField(
            model_name='placement',
            name='feedback_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='placement',
            name='feedback_build_on',
            field=models.TextField(blank=True, verbose_name='what to build on'),
        ),
        migrations.AddField(
            model_name='placement',
            name='feedback_by',
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name='placement',
            name='feedback_how',
            field=models.TextField(blank=True, verbose_name='how the learner did'),
        ),
        migrations.AddField(
            model_name='placement',
            name='feedback_strengths',
            field=models.TextField(blank=True, verbose_name='strengths'),
        ),
        migrations.AddField(
            model_name='placement',
            name='feedback_task',
            field=models.TextField(blank=True, verbose_name='the task the learner was set'),
        ),
        migrations.AddField(
            model_name='placement',
            name='health_and_safety_checked_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='placement',
            name='health_and_safety_checked_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='placement',
            name='hours_done',
            field=models.DecimalField(blank=True, decimal_places=1, max_digits=4, null=True),
        ),
        migrations.AddField(
            model_name='placement',
            name='insurance_checked_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='placement',
            name='insurance_checked_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='placement',
            name='insurance_expires',
            field=models.DateField(blank=True, null=True, verbose_name='insurance expiry date'),
        ),
        migrations.AddField(
            model_name='placement',
            name='medical_notes',
            field=models.TextField(blank=True, verbose_name='medical or access needs'),
        ),
        migrations.AddField(
            model_name='placement',
            name='risk_assessment_checked_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='placement',
            name='risk_assessment_checked_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='placement',
            name='role_confirmed',
            field=models.BooleanField(default=False, verbose_name='the employer confirmed the role'),
        ),
        migrations.AddField(
            model_name='placement',
            name='supervisor_name',
            field=models.CharField(blank=True, max_length=200, verbose_name="supervisor's name"),
        ),
        migrations.AddField(
            model_name='placement',
            name='supervisor_phone',
            field=models.CharField(blank=True, max_length=40, verbose_name="supervisor's phone number"),
        ),
        migrations.AddField(
            model_name='placement',
            name='working_hours',
            field=models.CharField(blank=True, max_length=200, verbose_name='working hours'),
        ),
        migrations.AddField(
            model_name='placement',
            name='workplace_address',
            field=models.TextField(blank=True, verbose_name='address of the workplace'),
        ),
        migrations.CreateModel(
            name='PlacementDocument',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('health_and_safety', 'Health and safety policy'), ('insurance', "Employers' Liability insurance certificate"), ('risk_assessment', 'Risk assessment')], max_length=30)),
                ('file', models.FileField(max_length=300, upload_to=qic.partners.models._placement_upload_to)),
                ('original_name', models.CharField(max_length=255)),
                ('file_type', models.CharField(max_length=10)),
                ('size', models.PositiveIntegerField()),
                ('sha256', models.CharField(max_length=64)),
                ('uploaded_by', models.CharField(max_length=300)),
                ('uploaded_at', models.DateTimeField(auto_now_add=True)),
                ('placement', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='documents', to='partners.placement')),
            ],
            options={
                'ordering': ['kind', '-uploaded_at', '-pk'],
            },
        ),
    ]
