"""Roles and the permission mechanism (accounts.permissions), for every role, refusals included."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission

from accounts import roles
from accounts.permissions import Decision, is_admin, is_staff_member, role_check
from tests.accounts.factories import UserFactory
from tests.accounts.helpers import main_text

pytestmark = pytest.mark.django_db

STAFF_REASON = "Cette page est réservée à l'équipe du programme."


@pytest.fixture
def every_role(candidate, doctoral_student, evaluator, staff, admin_user):
    return {
        "visitor": None,
        "candidate": candidate,
        "doctoral_student": doctoral_student,
        "evaluator": evaluator,
        "staff": staff,
        "admin": admin_user,
    }


def test_role_groups_and_their_permissions():
    groups = {g.name: g for g in Group.objects.prefetch_related("permissions__content_type")}
    assert set(roles.ROLES) <= set(groups)
    for role in (roles.CANDIDATE, roles.DOCTORAL_STUDENT, roles.EVALUATOR):
        assert list(groups[role].permissions.all()) == []
    staff_apps = {p.content_type.app_label for p in groups[roles.STAFF].permissions.all()}
    assert staff_apps <= {"events", "applications", "conventions", "subsidies", "notifications"}
    assert "accounts" not in staff_apps
    admin_perms = {f"{p.content_type.app_label}.{p.codename}" for p in groups[roles.ADMIN].permissions.all()}
    assert {"accounts.add_user", "accounts.change_user", "auth.change_group", "mfa.delete_authenticator"} <= admin_perms
    expected_staff = Permission.objects.filter(
        content_type__app_label__in=["events", "applications", "conventions", "subsidies", "notifications"]
    ).count()
    assert groups[roles.STAFF].permissions.count() == expected_staff


def test_role_permissions_are_resynced_after_migrate():
    staff = Group.objects.get(name=roles.STAFF)
    staff.permissions.clear()
    Group.objects.filter(name=roles.EVALUATOR).delete()
    roles.sync_role_permissions()
    assert Group.objects.filter(name=roles.EVALUATOR).exists()
    assert (
        staff.permissions.count()
        == Permission.objects.filter(
            content_type__app_label__in=["events", "applications", "conventions", "subsidies", "notifications"]
        ).count()
    )


def test_grant_role_and_user_roles():
    user = UserFactory()
    assert user.roles == frozenset()
    roles.grant_role(user, roles.EVALUATOR)
    assert user.roles == frozenset({"evaluator"})
    assert roles.has_role(user, roles.STAFF, roles.EVALUATOR) is True
    assert roles.has_role(user, roles.STAFF) is False
    with pytest.raises(ValueError, match="unknown role 'juror'"):
        roles.grant_role(user, "juror")
    superuser = UserFactory(is_superuser=True)
    assert superuser.roles == frozenset({"admin"})
    assert roles.user_roles(AnonymousUser()) == frozenset()


def test_checks_return_a_decision_with_a_reason(every_role):
    expected = {
        "visitor": Decision(False, "Vous devez vous connecter."),
        "candidate": Decision(False, STAFF_REASON),
        "doctoral_student": Decision(False, STAFF_REASON),
        "evaluator": Decision(False, STAFF_REASON),
        "staff": Decision(True, ""),
        "admin": Decision(True, ""),
    }
    for name, user in every_role.items():
        assert is_staff_member(user or AnonymousUser()) == expected[name], name
    assert is_admin(every_role["staff"]) == Decision(False, "Cette page est réservée aux administrateur·rice·s.")
    assert bool(is_admin(every_role["admin"])) is True
    assert role_check("candidate")(every_role["candidate"]) == Decision(True, "")


@pytest.mark.urls("tests.accounts.urls_permissions")
def test_require_decorator_for_every_role(every_role, client_for):
    expected = {
        "visitor": (302, "/compte/login/?next=/permtest/equipe/"),
        "candidate": (403, STAFF_REASON),
        "doctoral_student": (403, STAFF_REASON),
        "evaluator": (403, STAFF_REASON),
        "staff": (200, "page équipe"),
        "admin": (200, "page équipe"),
    }
    for name, user in every_role.items():
        response = client_for(user).get("/permtest/equipe/")
        status, detail = expected[name]
        assert response.status_code == status, name
        if status == 302:
            assert response["Location"] == detail
        elif status == 403:
            # The 403 page shows the reason, in the site's shell.
            assert main_text(response) == f"Accès refusé {detail} Retour à l'accueil"
        else:
            assert response.content.decode() == detail


@pytest.mark.urls("tests.accounts.urls_permissions")
def test_require_mixin_and_object_checks(every_role, client_for):
    for name, user in every_role.items():
        response = client_for(user).get("/permtest/evaluation/")
        if name == "visitor":
            assert response["Location"] == "/compte/login/?next=/permtest/evaluation/"
        elif name == "evaluator":
            assert response.status_code == 200
        else:
            assert response.status_code == 403, name
            assert main_text(response) == "Accès refusé Réservé aux évaluateur·rice·s. Retour à l'accueil"

    candidate = every_role["candidate"]
    client = client_for(candidate)
    assert client.get(f"/permtest/dossier/{candidate.pk}/").content.decode() == "mon dossier"
    response = client.get(f"/permtest/dossier/{candidate.pk + 1000}/")
    assert response.status_code == 403
    assert main_text(response) == "Accès refusé Ce dossier n'est pas le vôtre. Retour à l'accueil"
    assert client_for(None).get("/permtest/dossier/1/")["Location"] == "/compte/login/?next=/permtest/dossier/1/"


@pytest.mark.urls("tests.accounts.urls_permissions")
def test_refusal_under_english_urls(every_role, client_for):
    client = client_for(every_role["candidate"])
    response = client.get("/en/permtest/equipe/")
    assert response.status_code == 403
    assert response.headers["Content-Language"] == "en"
    assert '<html lang="en">' in response.content.decode()
    assert client_for(None).get("/en/permtest/equipe/")["Location"] == "/en/compte/login/?next=/en/permtest/equipe/"


def test_admin_site_for_every_role(every_role, client_for):
    for name, user in every_role.items():
        response = client_for(user).get("/admin/")
        if name in ("admin", "staff"):
            assert response.status_code == 200, name
        else:
            # Not staff: sent to the admin login.
            assert response.status_code == 302, name
            assert response["Location"] == "/admin/login/?next=/admin/", name
    # Programme staff see the content and programme models, never users or groups.
    staff_index = client_for(every_role["staff"]).get("/admin/").content.decode()
    assert "/admin/events/" in staff_index
    assert "/admin/accounts/user/" not in staff_index
    assert "/admin/auth/group/" not in staff_index
    assert client_for(every_role["staff"]).get("/admin/accounts/user/").status_code == 403


def test_admin_site_access_follows_the_staff_group(staff):
    from django.contrib.auth.models import Group

    assert staff.is_staff is True
    staff.groups.remove(Group.objects.get(name="staff"))
    staff.refresh_from_db()
    assert staff.is_staff is False
    Group.objects.get(name="staff").user_set.add(staff)
    staff.refresh_from_db()
    assert staff.is_staff is True


def test_home_lands_each_role_on_its_page(every_role, client_for):
    assert client_for(None).get("/espace/")["Location"] == "/compte/login/?next=/espace/"
    assert client_for(every_role["candidate"]).get("/espace/").status_code == 200
    assert client_for(every_role["evaluator"]).get("/espace/")["Location"] == "/candidatures/evaluation/"
    response = client_for(every_role["admin"]).get("/espace/")
    assert response["Location"] == "/admin/"


@pytest.mark.urls("tests.accounts.urls_permissions")
@pytest.mark.parametrize("kind", ["compte", "compte-classe"])  # require(), then RequireMixin
def test_object_checks_answer_alike_for_existing_and_missing_objects(kind, every_role, client_for):
    """A user who may not see an object learns nothing of its existence: same status, redirect and reason."""
    other = UserFactory()
    missing = other.pk + 1000
    for name, user in every_role.items():
        client = client_for(user)
        existing_url, missing_url = f"/permtest/{kind}/{other.pk}/", f"/permtest/{kind}/{missing}/"
        existing, absent = client.get(existing_url), client.get(missing_url)
        if name == "visitor":
            assert (existing["Location"], absent["Location"]) == (
                f"/compte/login/?next={existing_url}",
                f"/compte/login/?next={missing_url}",
            )
        elif name in ("staff", "admin"):
            # They may see every account: a missing one is simply not found.
            assert (existing.status_code, absent.status_code) == (200, 404), name
        else:
            answers = [(r.status_code, r.context["reason"]) for r in (existing, absent)]
            assert answers == [(403, "Ce compte n'est pas le vôtre.")] * 2, name
        if user is not None and name not in ("staff", "admin"):
            assert client.get(f"/permtest/{kind}/{user.pk}/").status_code == 200, name


@pytest.mark.urls("tests.accounts.urls_permissions")
@pytest.mark.parametrize("kind", ["compte", "compte-classe"])
def test_a_visitor_is_sent_to_login_before_any_lookup(kind, client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(f"/permtest/{kind}/1/")
    assert response["Location"] == f"/compte/login/?next=/permtest/{kind}/1/"
