"""The roles of DESIGN.md, as Django groups.

A role is a group; the groups are created by a migration (``0002_roles``). Model permissions
are attached after every migration (``post_migrate``), because later apps create their own
permissions then. Object-level rules (a doctoral student sees *their* convention) live in each
app's ``permissions.py``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CANDIDATE = "candidate"
DOCTORAL_STUDENT = "doctoral_student"
EVALUATOR = "evaluator"
STAFF = "staff"
ADMIN = "admin"
# A contact of a municipal department who reads the dossiers of the themes they were given.
DEPARTMENT = "department"

ROLES = (CANDIDATE, DOCTORAL_STUDENT, EVALUATOR, STAFF, ADMIN, DEPARTMENT)
ROLE_LABELS = {
    CANDIDATE: _("Candidat·e"),
    DOCTORAL_STUDENT: _("Doctorant·e"),
    EVALUATOR: _("Évaluateur·rice"),
    STAFF: _("Équipe du programme"),
    ADMIN: _("Administrateur·rice"),
    DEPARTMENT: _("Contact de direction"),
}

# Model permissions per role, as "app_label.codename" patterns; "app_label.*" means every
# permission of that app. Apps that do not exist yet are simply skipped.
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    CANDIDATE: (),
    DOCTORAL_STUDENT: (),
    EVALUATOR: (),
    DEPARTMENT: (),
    STAFF: ("events.*", "applications.*", "conventions.*", "subsidies.*", "notifications.*"),
    ADMIN: (
        "accounts.*",
        "auth.*",
        "sites.*",
        "events.*",
        "applications.*",
        "conventions.*",
        "subsidies.*",
        "notifications.*",
        "account.*",
        "mfa.*",
    ),
}


def sync_role_permissions(sender=None, using: str = "default", **kwargs) -> None:
    """Create missing role groups and give each the model permissions of ROLE_PERMISSIONS."""
    from django.contrib.auth.models import Group, Permission

    for role in ROLES:
        group, _created = Group.objects.using(using).get_or_create(name=role)
        wanted = Permission.objects.none()
        for pattern in ROLE_PERMISSIONS[role]:
            app_label, codename = pattern.split(".", 1)
            qs = Permission.objects.using(using).filter(content_type__app_label=app_label)
            if codename != "*":
                qs = qs.filter(codename=codename)
            wanted = wanted | qs
        group.permissions.set(wanted)


def user_roles(user) -> frozenset[str]:
    """The role names of a user, cached on the instance for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            names.add(ADMIN)
        cached = frozenset(names & set(ROLES))
        user._role_cache = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def grant_role(user, role: str) -> None:
    from django.contrib.auth.models import Group

    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    user.__dict__.pop("_role_cache", None)


ADMIN_SITE_ROLES = (STAFF, ADMIN)


def sync_admin_access(sender, instance, action, reverse, pk_set=None, **kwargs) -> None:
    """Programme staff edit content and reference data in the Django admin, within their group's
    model permissions: ``is_staff`` follows membership of the staff and admin groups."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    if action not in ("post_add", "post_remove", "post_clear"):
        return
    users = [instance] if not reverse else list(get_user_model().objects.filter(pk__in=pk_set or ()))
    if reverse and action == "post_clear":
        return
    for user in users:
        names = set(Group.objects.filter(user=user).values_list("name", flat=True))
        wanted = user.is_superuser or bool(names & set(ADMIN_SITE_ROLES))
        user.__dict__.pop("_role_cache", None)
        if user.is_staff != wanted:
            user.is_staff = wanted
            user.save(update_fields=["is_staff"])
