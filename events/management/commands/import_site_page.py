"""``import_site_page FILE [FILE…]``: import pages of the current site (see events/importer.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from events.importer import ImportFileError, import_files


class Command(BaseCommand):
    help = "Importe des pages du site actuel (Markdown avec en-tête YAML) : page, actualités, événements, personnes."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")

    def handle(self, *args, files, **options):
        try:
            summary = import_files(files)
        except ImportFileError as exc:
            self.stderr.write(f"error: {exc.path}: {exc}")
            raise SystemExit(2)
        for line in summary.lines():
            self.stdout.write(line)
