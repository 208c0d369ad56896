"""Who may do what with subsidies (invoices, payments, credit notes). Checks return (allowed, reason)."""

from django.utils.translation import gettext_lazy as _

from accounts import roles
from accounts.permissions import role_check

# Invoicing, payments and credit notes: programme staff (finance included) and administrators only.
can_manage_invoices = role_check(
    roles.STAFF, roles.ADMIN, reason=_("La facturation est réservée à l'équipe du programme.")
)
