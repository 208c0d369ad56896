"""Apply the dossiers' data retention by hand (the daily task ``applications.daily`` does it too).

``--dry-run`` lists what would be anonymised or deleted and changes nothing; ``--date`` takes
another day as today (to see what a later run will do).
"""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from applications import retention


class Command(BaseCommand):
    help = (
        "Anonymise les dossiers non retenus RETENTION_MONTHS mois après les décisions de leur appel et supprime "
        "les brouillons jamais déposés RETENTION_MONTHS mois après la clôture (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Affiche ce qui serait fait, sans rien modifier.")
        parser.add_argument("--date", help="Date de référence AAAA-MM-JJ (par défaut : aujourd'hui, Europe/Paris).")

    def handle(self, *args, **options):
        today = self._today(options.get("date"))
        months = settings.RETENTION_MONTHS
        if options["dry_run"]:
            dossiers, drafts = retention.due(today)
            for dossier in dossiers.select_related("call").order_by("call__year", "number"):
                self.stdout.write(
                    f"  à anonymiser : {dossier.number} (appel {dossier.call.year}, {dossier.get_status_display()}, "
                    f"décisions du {dossier.call.decisions_on.isoformat()})"
                )
            for draft in drafts.select_related("call").order_by("call__year", "pk"):
                self.stdout.write(f"  à supprimer : brouillon n° {draft.pk} (appel {draft.call.year})")
            counts = retention.apply(today, dry_run=True)
            self.stdout.write(
                f"Simulation au {today.isoformat()} ({months} mois) : {counts['anonymised']} dossier(s) à anonymiser, "
                f"{counts['drafts_deleted']} brouillon(s) à supprimer, {counts['files_deleted']} fichier(s) à effacer. "
                "Rien n'a été modifié."
            )
            return
        counts = retention.apply(today)
        self.stdout.write(
            f"Conservation au {today.isoformat()} ({months} mois) : {counts['anonymised']} dossier(s) anonymisé(s), "
            f"{counts['drafts_deleted']} brouillon(s) supprimé(s), {counts['files_deleted']} fichier(s) effacé(s)."
        )
        if counts["files_left"]:
            self.stderr.write(
                f"{counts['files_left']} fichier(s) n'ont pas pu être effacés : ils le seront au prochain passage "
                "(voir le journal)."
            )

    def _today(self, value) -> dt.date:
        if not value:
            return timezone.localdate()
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise CommandError(f"Date invalide : {value!r} (format attendu AAAA-MM-JJ).")
