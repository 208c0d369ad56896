"""Print the current TOTP code of a demo account (development only).

The demo accounts of staff, evaluators and admins hold a TOTP second factor whose secret is
published in the README; this command saves a newcomer from installing an authenticator app.
It refuses any address outside the demo domain and refuses to run when DEBUG is off.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_DOMAIN, DEMO_TOTP_SECRET, current_totp_code, is_demo_email
from accounts.models import User


class Command(BaseCommand):
    help = "Affiche le code TOTP courant d'un compte de démonstration (DEBUG uniquement)."

    def add_arguments(self, parser):
        parser.add_argument("email", help=f"adresse d'un compte de démonstration (@{DEMO_DOMAIN})")

    def handle(self, *args, email: str, **options):
        from allauth.mfa.models import Authenticator
        from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
        from allauth.mfa.totp.internal.auth import TOTP
        from allauth.mfa.utils import decrypt

        if not settings.DEBUG:
            raise CommandError("demo_totp ne fonctionne qu'en développement (DEBUG=true).")
        if not is_demo_email(email):
            raise CommandError(f"{email} n'est pas un compte de démonstration (@{DEMO_DOMAIN}).")
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"Aucun compte {email} : lancez d'abord `manage.py seed_demo`.")
        totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if totp is None or decrypt(TOTP(totp).instance.data["secret"]) != DEMO_TOTP_SECRET:
            raise CommandError(f"{email} n'a pas le second facteur de démonstration.")
        self.stdout.write(current_totp_code())
        codes = Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).first()
        if codes is not None and options["verbosity"] > 1:
            unused = RecoveryCodes(codes).get_unused_codes()
            self.stdout.write("Codes de secours inutilisés : " + " ".join(unused))
