"""The Site record (allauth's e-mails name it) follows SITE_URL after every migration.

Django creates it as "example.com"; e-mails would then greet users from example.com.
"""

from urllib.parse import urlsplit

from django.conf import settings

SITE_NAME = "Programme CIFRE Ville de Paris"


def sync_site(sender=None, using: str = "default", **kwargs) -> None:
    from django.contrib.sites.models import Site

    if getattr(sender, "label", None) not in (None, "accounts"):
        return
    domain = urlsplit(settings.SITE_URL).netloc or "127.0.0.1:8000"
    Site.objects.using(using).update_or_create(pk=settings.SITE_ID, defaults={"domain": domain, "name": SITE_NAME})
    Site.objects.clear_cache()
