"""``manage.py cifre plan|eligibility [FILE]``: the rules engine as JSON in, JSON out (RULES.md §7).

Reads one JSON object from FILE, or from standard input when FILE is ``-`` or absent, and
prints one JSON object. Bad input prints ``error: <field>: <reason>`` on standard error,
nothing on standard output, and exits with status 2; never a traceback.
"""

import argparse
import json
import sys

from django.core.management.base import BaseCommand
from django.utils import timezone

from conventions import rules_json
from conventions.rules import RuleError

EXIT_BAD_INPUT = 2


class Command(BaseCommand):
    help = "Calcule le plan d'une convention CIFRE ou vérifie l'éligibilité (JSON en entrée et en sortie)."
    requires_migrations_checks = False
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--language", choices=("fr", "en"), default="fr", help="langue des messages")
        actions = parser.add_subparsers(dest="action", required=True, metavar="{plan,eligibility}")
        for name, text in (
            ("plan", "durée, échéances, obligations et statuts d'une convention"),
            ("eligibility", "les dix conditions d'éligibilité de RULES.md §2"),
        ):
            sub = actions.add_parser(name, help=text)
            sub.add_argument("file", nargs="?", default="-", help="fichier JSON ; '-' ou absent : entrée standard")
            sub.add_argument("--language", choices=("fr", "en"), default=argparse.SUPPRESS, help="langue des messages")

    def handle(self, *args, **options):
        language = options["language"]
        try:
            text = self._read(options["file"])
            if options["action"] == "plan":
                result = rules_json.run_plan(text, timezone.localdate())
            else:
                result = rules_json.run_eligibility(text, language)
        except RuleError as error:
            self._fail(error.field, error.message(language))
        except Exception as error:  # noqa: BLE001 - the contract is "never a traceback"
            self._fail("input", f"{type(error).__name__}: {error}")
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))

    def _read(self, path: str) -> str:
        if path == "-":
            return sys.stdin.read()
        try:
            with open(path, encoding="utf-8-sig") as handle:  # tolerate a byte-order mark
                return handle.read()
        except (OSError, UnicodeDecodeError) as error:
            raise _FileError(path, error) from error

    def _fail(self, field: str, reason: str):
        self.stderr.write(f"error: {field}: {reason}")
        raise SystemExit(EXIT_BAD_INPUT)


class _FileError(RuleError):
    def __init__(self, path: str, error: Exception) -> None:
        self.path_text = f"{path}: {getattr(error, 'strerror', None) or error}"
        super().__init__("file", "invalid_text")

    def message(self, language: str = "fr") -> str:
        prefix = "lecture impossible" if language == "fr" else "cannot read"
        return f"{prefix} ({self.path_text})"
