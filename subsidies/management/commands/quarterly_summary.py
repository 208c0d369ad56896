from subsidies.domain.reminders import quarterly_summary

from ._dated import DatedCommand


class Command(DatedCommand):
    help = "Envoie à l'équipe la synthèse de ce qui est à facturer pour le trimestre écoulé (une seule fois)."

    def handle(self, *args, **options):
        day = self.as_of(options)
        logs = quarterly_summary(day)
        self.stdout.write(f"Synthèse trimestrielle ({day.isoformat()}) : {len(logs)} courriel(s) nouveaux.")
