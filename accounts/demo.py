"""Demo accounts of every role (listed in the README). Password for all: see DEMO_PASSWORD."""

from allauth.account.models import EmailAddress

from . import roles
from .models import User

DEMO_PASSWORD = "cifre-demo-2026"

DEMO_USERS = (
    # email, first name, last name, role
    ("admin@demo.cifre.test", "Alice", "Admin", roles.ADMIN),
    ("staff@demo.cifre.test", "Sophie", "Martin", roles.STAFF),
    ("evaluateur@demo.cifre.test", "Marc", "Dubois", roles.EVALUATOR),
    ("doctorant@demo.cifre.test", "Léa", "Bernard", roles.DOCTORAL_STUDENT),
    ("candidat@demo.cifre.test", "Hugo", "Petit", roles.CANDIDATE),
)


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
    return user


def seed(stdout) -> None:
    for email, first, last, role in DEMO_USERS:
        ensure_user(email, first, last, role)
    stdout.write(f"  comptes : {len(DEMO_USERS)} (mot de passe {DEMO_PASSWORD})")
