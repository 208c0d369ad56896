"""Seed the French and English text of every message (staff edit them afterwards)."""

from django.db import migrations


def seed(apps, schema_editor):
    from notifications.catalogue import DEFAULTS, VARIABLES

    EmailTemplate = apps.get_model("notifications", "EmailTemplate")
    for (key, language), (subject, body) in DEFAULTS.items():
        EmailTemplate.objects.get_or_create(
            key=key,
            language=language,
            defaults={"subject": subject, "body": body, "help_text": VARIABLES.get(key, "")},
        )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
