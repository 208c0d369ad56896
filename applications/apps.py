from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Candidatures")

    def ready(self) -> None:
        from notifications import catalogue

        from . import emails
        from .evaluation import emails as evaluation_emails

        catalogue.register(emails.LABELS, emails.DEFAULTS, emails.SAMPLE_CONTEXT)
        catalogue.register(evaluation_emails.LABELS, evaluation_emails.DEFAULTS, evaluation_emails.SAMPLE_CONTEXT)
