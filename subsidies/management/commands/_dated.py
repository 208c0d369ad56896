"""Shared argument handling: ``--date YYYY-MM-DD`` (default: today in Europe/Paris)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


class DatedCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--date", help="Date de référence AAAA-MM-JJ (par défaut : aujourd'hui, Europe/Paris).")

    def as_of(self, options) -> dt.date:
        if not options.get("date"):
            return timezone.localdate()
        try:
            return dt.date.fromisoformat(options["date"])
        except ValueError:
            raise CommandError(f"Date invalide : {options['date']!r} (format attendu AAAA-MM-JJ).")
