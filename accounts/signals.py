"""Activating TOTP counts as passing the second factor in this session.

allauth records a second-factor step (``"mfa"``) when a code is typed at login or at
reauthentication, but not when TOTP is activated, although the user has just typed a valid
code of the new device. Without this record, a staff member who sets up TOTP would be asked
for a code again at once (``accounts.middleware``).
"""

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator


def record_totp_activation(sender, request, user, authenticator, **kwargs) -> None:
    """``authenticator_added`` receiver: an ``"mfa"`` record for the session that activated TOTP."""
    if request is None or authenticator.type != Authenticator.Type.TOTP:
        return
    if getattr(request, "user", None) != user:
        return
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type, activated=True)
    user.__dict__.pop("_has_second_factor", None)
