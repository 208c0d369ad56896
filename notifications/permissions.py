"""Who may read the e-mail log and edit the e-mail templates. Checks return (allowed, reason)."""

from django.utils.translation import gettext_lazy as _

from accounts import roles
from accounts.permissions import role_check

can_view_email_log = role_check(
    roles.STAFF, roles.ADMIN, reason=_("Le journal des courriels est réservé à l'équipe du programme.")
)
can_edit_email_templates = role_check(
    roles.STAFF, roles.ADMIN, reason=_("Les modèles de courriel sont réservés à l'équipe du programme.")
)
