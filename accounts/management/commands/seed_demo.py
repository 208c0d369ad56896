"""Load a realistic demonstration, idempotently: run it twice, nothing is duplicated.

Each app contributes a ``demo`` module with a ``seed(stdout)`` function; they run in the
order below, inside one transaction, so a failure leaves the database as it was.
"""

import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

DEMO_MODULES = ("accounts.demo", "events.demo", "conventions.demo", "subsidies.demo", "applications.demo")


class Command(BaseCommand):
    help = "Charge les données de démonstration (idempotent)."

    def handle(self, *args, **options):
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
