from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .catalogue import on_post_migrate

        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="notifications.default_templates")
