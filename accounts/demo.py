"""Demo accounts of every role (listed in the README). Password for all: see DEMO_PASSWORD.

The accounts that must hold a second factor (staff, evaluator, admin) get a TOTP authenticator
with a fixed, published secret and recovery codes: ``make totp EMAIL=staff@demo.cifre.test``
prints the current code. Demo data only: never load it into production.
"""

from allauth.account.models import EmailAddress
from django.conf import settings

from . import roles
from .models import User

DEMO_PASSWORD = "cifre-demo-2026"
DEMO_DOMAIN = "demo.cifre.test"
# Published on purpose (README): any TOTP app can add it to log in as a demo staff member.
DEMO_TOTP_SECRET = "CIFREDEMOPARISTOTPSECRETAAAAAAAA"

DEMO_USERS = (
    # email, first name, last name, role
    ("admin@demo.cifre.test", "Alice", "Admin", roles.ADMIN),
    ("staff@demo.cifre.test", "Sophie", "Martin", roles.STAFF),
    ("evaluateur@demo.cifre.test", "Marc", "Dubois", roles.EVALUATOR),
    ("doctorant@demo.cifre.test", "Léa", "Bernard", roles.DOCTORAL_STUDENT),
    ("candidat@demo.cifre.test", "Hugo", "Petit", roles.CANDIDATE),
)


def is_demo_email(email: str) -> bool:
    return email.lower().endswith(f"@{DEMO_DOMAIN}")


def ensure_user(email: str, first_name: str, last_name: str, role: str, password: str = DEMO_PASSWORD) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"first_name": first_name, "last_name": last_name})
    if created:
        user.set_password(password)
        if role == roles.ADMIN:
            user.is_staff = True
            user.is_superuser = True
        user.save()
    roles.grant_role(user, role)
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    if role in settings.SECOND_FACTOR_ROLES:
        ensure_demo_totp(user)
    return user


def ensure_demo_totp(user: User) -> None:
    """A TOTP authenticator with DEMO_TOTP_SECRET and recovery codes, created once."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    if not is_demo_email(user.email):
        raise ValueError("the published demo TOTP secret is for demo accounts only")
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
    RecoveryCodes.activate(user)


def current_totp_code(secret: str = DEMO_TOTP_SECRET) -> str:
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))


def seed(stdout) -> None:
    for email, first, last, role in DEMO_USERS:
        ensure_user(email, first, last, role)
    stdout.write(f"  comptes : {len(DEMO_USERS)} (mot de passe {DEMO_PASSWORD})")
