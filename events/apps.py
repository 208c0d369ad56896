from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Site public")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import signals
        from .legal_content import on_post_migrate

        signals.connect()
        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="events.legal_pages")
