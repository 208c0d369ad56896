"""Project-wide system checks.

The ephemeral SECRET_KEY (settings without SECRET_KEY and DEBUG off) lets pure commands such as
``manage.py cifre`` or ``makemigrations`` run on a bare checkout; serving with it is refused by
``cifre/wsgi.py``, and ``check --deploy`` reports it.
"""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
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


@register(deploy=True)
def invoice_payee_configured(app_configs=None, **kwargs):
    """ANRT pays the invoices into the account printed on them: it must be set, and well formed."""
    from subsidies.domain.payee import configuration_problems

    return [
        Warning(problem, hint="Set INVOICE_PAYEE_IBAN and INVOICE_PAYEE_BIC (see .env.example).", id="cifre.W002")
        for problem in configuration_problems()
    ]
