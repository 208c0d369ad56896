from subsidies.domain.sweep import sweep

from ._dated import DatedCommand


class Command(DatedCommand):
    help = "Met à jour les statuts des obligations, échéances et conventions à la date donnée."

    def handle(self, *args, **options):
        result = sweep(self.as_of(options))
        details = ", ".join(f"{name} : {count}" for name, count in result.changes.items())
        self.stdout.write(f"Statuts au {result.as_of.isoformat()} : {result.total} changement(s) ({details}).")
