from subsidies.domain.reminders import send_reminders

from ._dated import DatedCommand


class Command(DatedCommand):
    help = "Envoie les rappels d'échéance du jour (chaque rappel une seule fois)."

    def handle(self, *args, **options):
        day = self.as_of(options)
        logs = send_reminders(day)
        failed = sum(1 for log in logs if log.status == "failed")
        self.stdout.write(f"Rappels du {day.isoformat()} : {len(logs)} courriel(s) nouveaux, {failed} en échec.")
