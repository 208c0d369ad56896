from django.conf import settings
from django.db import migrations


def create_pages(apps, schema_editor):
    from events.legal_content import pages

    Page = apps.get_model("events", "Page")
    for data in pages(settings.RETENTION_MONTHS):
        slug = data.pop("slug")
        Page.objects.get_or_create(slug=slug, defaults=data)


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]
    operations = [migrations.RunPython(create_pages, migrations.RunPython.noop)]
