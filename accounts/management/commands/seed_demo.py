"""Load a realistic demonstration, idempotently: run it twice, nothing is duplicated.

Each app contributes a ``demo`` module with a ``seed(stdout)`` function; they run in the
order below, inside one transaction, so a failure leaves the database as it was.

Development only: the demo accounts have published passwords and TOTP secrets, so the command
refuses to write anything when DEBUG is off (`make run` sets DEBUG=true).
"""

import importlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

DEMO_MODULES = ("accounts.demo", "events.demo", "conventions.demo", "subsidies.demo", "applications.demo")


class Command(BaseCommand):
    help = "Charge les données de démonstration (idempotent)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo ne fonctionne qu'en développement (DEBUG=true) : "
                "ses comptes ont des mots de passe et des secrets TOTP publiés."
            )
        with transaction.atomic():
            for name in DEMO_MODULES:
                try:
                    module = importlib.import_module(name)
                except ModuleNotFoundError as exc:
                    if exc.name == name:
                        continue
                    raise
                module.seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
