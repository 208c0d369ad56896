"""Who may do what on the public site. Every view asks here.

The public pages and registration are open to everyone, logged in or not; the
registration lists (names and e-mail addresses) are for the programme team only.
"""

from accounts.permissions import ALLOW, Decision, is_staff_member


def can_view_public_site(user) -> Decision:
    return ALLOW


def can_register(user) -> Decision:
    return ALLOW


def can_manage_registrations(user, obj=None) -> Decision:
    return is_staff_member(user)
