from django.core.management.base import BaseCommand

from notifications.services import retry_failed


class Command(BaseCommand):
    help = "Renvoie les courriels en échec dont le délai d'attente est écoulé."

    def handle(self, *args, **options):
        ids = retry_failed()
        self.stdout.write(f"{len(ids)} courriel(s) renvoyé(s).")
