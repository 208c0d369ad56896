"""Delete event registrations three months after the event (idempotent; run daily)."""

from django.core.management.base import BaseCommand

from events.services import purge_registrations


class Command(BaseCommand):
    help = "Supprime les inscriptions aux événements terminés depuis plus de trois mois."

    def handle(self, *args, **options):
        self.stdout.write(f"{purge_registrations()} inscription(s) supprimée(s).")
