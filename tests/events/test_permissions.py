"""Every role on the public pages and on the staff pages (registration lists, CSV, e-mail)."""

import pytest
from django.core import mail
from django.test import Client

from events import permissions
from events.models import Registration

from .factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

ROLES = ["candidate", "doctoral_student", "evaluator", "staff", "admin_user"]
REFUSED = ["candidate", "doctoral_student", "evaluator"]
STAFF_REASON = "Cette page est réservée à l&#x27;équipe du programme."


@pytest.fixture
def event():
    event = EventFactory(title_fr="Séminaire", capacity=1)
    RegistrationFactory(event=event, name="Alice", email="alice@example.org")
    RegistrationFactory(event=event, name="Bob", email="bob@example.org", waiting=True)
    return event


def staff_urls(event):
    base = f"/gestion/site/inscriptions/{event.pk}/"
    return ["/gestion/site/inscriptions/", base, base + "export.csv", base + "ecrire/"]


@pytest.mark.parametrize("role", [None, *ROLES])
def test_public_pages_and_registration_are_open_to_every_role(request, client_for, event, role):
    user = request.getfixturevalue(role) if role else None
    client = client_for(user)
    for url in ["/", "/evenements/", event.get_absolute_url(), "/personnes/", "/actualites/"]:
        assert client.get(url).status_code == 200, url
    response = client.post(
        event.get_absolute_url(),
        {"name": "Zoé", "email": f"zoe-{role}@example.org".lower(), "consent": "on", "waiting_list": "1"},
    )
    assert response.status_code == 302
    assert Registration.objects.filter(email=f"zoe-{role}@example.org".lower(), status="waiting").count() == 1


def test_visitor_is_sent_to_login_from_staff_pages(event):
    for url in staff_urls(event):
        response = Client().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/compte/login/?next=")


@pytest.mark.parametrize("role", REFUSED)
def test_other_roles_are_refused_with_the_reason(request, client_for, event, role):
    client = client_for(request.getfixturevalue(role))
    for url in staff_urls(event):
        response = client.get(url)
        assert response.status_code == 403, url
        assert STAFF_REASON in response.content.decode()
    assert client.post(staff_urls(event)[3], {"subject": "S", "body": "B"}).status_code == 403
    assert mail.outbox == []


@pytest.mark.parametrize("role", ["staff", "admin_user"])
def test_staff_and_admin_see_export_and_email_the_list(request, client_for, event, role):
    client = client_for(request.getfixturevalue(role))
    index = client.get("/gestion/site/inscriptions/").content.decode()
    assert "Séminaire" in index
    listing = client.get(staff_urls(event)[1]).content.decode()
    assert "alice@example.org" in listing and "bob@example.org" in listing
    csv = client.get(staff_urls(event)[2])
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    assert csv["Content-Disposition"] == f'attachment; filename="inscriptions-{event.slug}.csv"'
    assert csv.content.decode().splitlines()[1].startswith("Alice,alice@example.org,Inscrit·e,")
    response = client.post(staff_urls(event)[3], {"subject": "Salle", "body": "Salle 2", "include_waiting": "on"})
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.org", "bob@example.org"]


def test_email_form_with_missing_fields_sends_nothing(client_for, staff, event):
    response = client_for(staff).post(staff_urls(event)[3], {"subject": "", "body": ""})
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()
    assert mail.outbox == []


def test_staff_without_second_factor_is_sent_to_set_one_up(event):
    from tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory(role="staff"))
    response = client.get(staff_urls(event)[1])
    assert response.status_code == 302
    assert "/compte/2fa/totp/activate/" in response["Location"]


@pytest.mark.parametrize("role", [None, *ROLES])
def test_permission_functions(request, role):
    user = request.getfixturevalue(role) if role else None
    from django.contrib.auth.models import AnonymousUser

    user = user or AnonymousUser()
    assert permissions.can_view_public_site(user).allowed is True
    assert permissions.can_register(user).allowed is True
    decision = permissions.can_manage_registrations(user)
    assert decision.allowed is (role in {"staff", "admin_user"})
    if role is None:
        assert decision.reason == "Vous devez vous connecter."
    elif role in REFUSED:
        assert decision.reason == "Cette page est réservée à l'équipe du programme."


def test_markdown_preview_is_for_staff(client_for, staff, candidate):
    assert client_for(staff).post("/gestion/site/apercu/", {"text": "**gras**<script>x</script>"}).content == (
        b"<p><strong>gras</strong></p>"
    )
    assert client_for(candidate).post("/gestion/site/apercu/", {"text": "x"}).status_code == 403
