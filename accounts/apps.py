from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Comptes et rôles")

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_migrate

        from . import roles, signals, site

        m2m_changed.connect(
            roles.sync_admin_access, sender=get_user_model().groups.through, dispatch_uid="accounts.admin_access"
        )
        post_migrate.connect(roles.sync_role_permissions, dispatch_uid="accounts.sync_role_permissions")
        post_migrate.connect(site.sync_site, dispatch_uid="accounts.sync_site")
        authenticator_added.connect(signals.record_totp_activation, dispatch_uid="accounts.record_totp_activation")
