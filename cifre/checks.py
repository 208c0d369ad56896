"""Project-wide system checks."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security)
def secret_key_configured(app_configs=None, **kwargs):
    if getattr(settings, "SECRET_KEY_IS_EPHEMERAL", False):
        return [
            Error(
                "SECRET_KEY is not set and DEBUG is off.",
                hint="Set SECRET_KEY (50+ random characters), or DEBUG=true on a development machine.",
                id="cifre.E001",
            )
        ]
    return []
