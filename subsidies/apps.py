from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubsidiesConfig(AppConfig):
    name = "subsidies"
    verbose_name = _("Subventions")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .defaults import on_post_migrate

        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="subsidies.default_rates")
