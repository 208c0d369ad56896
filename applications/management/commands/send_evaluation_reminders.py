"""Send the evaluation's reminders by hand (the daily task ``applications.daily`` does it too).

Idempotent: a reminder already sent (same assignment, same kind) is never sent again, and the staff
summary goes once a day. ``--date`` takes another day as today.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from applications.evaluation import reminders


class Command(BaseCommand):
    help = (
        "Rappelle aux évaluateur·rice·s leur date limite (7 et 2 jours avant, le lendemain d'un retard) et "
        "envoie à l'équipe la liste des évaluations en retard (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Date de référence AAAA-MM-JJ (par défaut : aujourd'hui, Europe/Paris).")

    def handle(self, *args, **options):
        value = options.get("date")
        try:
            today = dt.date.fromisoformat(value) if value else timezone.localdate()
        except ValueError:
            raise CommandError(f"Date invalide : {value!r} (format attendu AAAA-MM-JJ).")
        counts = reminders.send_reminders(today)
        self.stdout.write(
            f"Rappels au {today.isoformat()} : {counts['evaluation_reminders']} rappel(s) avant échéance, "
            f"{counts['evaluation_overdue']} relance(s) après échéance, "
            f"{counts['evaluation_late_summary']} synthèse(s) à l'équipe."
        )
