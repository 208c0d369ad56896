"""E-mail log and templates pages: every role, bad template input, query counts."""

import pytest
from django.urls import reverse

from notifications import services
from notifications.models import EmailLog, EmailTemplate

pytestmark = pytest.mark.django_db

LOG_DENIED = "Le journal des courriels est réservé à l&#x27;équipe du programme."
TEMPLATE_DENIED = "Les modèles de courriel sont réservés à l&#x27;équipe du programme."
CONTEXT = {"convention_number": "2025/0001", "days": 7}


def pages():
    template = EmailTemplate.objects.get(key="obligation_overdue", language="fr")
    log = services.send("obligation_overdue", "x@example.org", CONTEXT, dedupe_key="view-1")
    return [
        (reverse("notifications:log"), LOG_DENIED),
        (reverse("notifications:detail", args=[log.pk]), LOG_DENIED),
        (reverse("notifications:templates"), TEMPLATE_DENIED),
        (reverse("notifications:template_edit", args=[template.pk]), TEMPLATE_DENIED),
    ]


def test_visitor_goes_to_login(client):
    for url, _reason in pages():
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/compte/login/")


@pytest.mark.parametrize("role", ["candidate", "doctoral_student", "evaluator"])
def test_other_roles_are_refused(request, client_for, role):
    client = client_for(request.getfixturevalue(role))
    for url, reason in pages():
        response = client.get(url)
        assert response.status_code == 403
        assert reason in response.content.decode()
    template = EmailTemplate.objects.get(key="obligation_overdue", language="fr")
    client.post(reverse("notifications:template_edit", args=[template.pk]), {"subject": "x", "body": "y"})
    template.refresh_from_db()
    assert template.subject != "x"


@pytest.mark.parametrize("role", ["staff", "admin_user"])
def test_staff_and_admin_see_every_page(request, client_for, role):
    client = client_for(request.getfixturevalue(role))
    for url, _reason in pages():
        assert client.get(url).status_code == 200


def test_staff_edit_a_template_and_bad_syntax_is_refused(client_for, staff):
    client = client_for(staff)
    template = EmailTemplate.objects.get(key="obligation_overdue", language="en")
    url = reverse("notifications:template_edit", args=[template.pk])
    response = client.post(url, {"subject": "Late {{ convention_number }}", "body": "{% if days %}unclosed"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "Ce texte contient une balise invalide" in content
    assert "Late {{ convention_number }}</" not in content  # the subject is an input value
    assert 'value="Late {{ convention_number }}"' in content
    template.refresh_from_db()
    assert template.subject.startswith("[CIFRE]")

    response = client.post(url, {"subject": "", "body": "x"})
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in response.content.decode()

    response = client.post(url, {"subject": "Late {{ convention_number }}", "body": "{{ days }} days late."})
    assert response.status_code == 302
    template.refresh_from_db()
    assert (template.subject, template.body, template.updated_by) == (
        "Late {{ convention_number }}",
        "{{ days }} days late.",
        staff,
    )
    log = services.send("obligation_overdue", "en@example.org", CONTEXT, language="en", dedupe_key="view-2")
    assert (log.subject, log.body) == ("Late 2025/0001", "7 days late.\n")


def test_log_filters_and_query_count(client_for, staff, django_assert_num_queries):
    client = client_for(staff)
    services.send("obligation_overdue", "a@example.org", CONTEXT, dedupe_key="q-1")
    url = reverse("notifications:log")
    client.get(url)
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200
    for n in (2, 3):
        services.send("obligation_due_soon", f"b{n}@example.org", CONTEXT, dedupe_key=f"q-{n}")
    with django_assert_num_queries(6):
        response = client.get(url)
    assert response.content.decode().count("@example.org</td>") == 3
    filtered = client.get(url, {"template_key": "obligation_due_soon", "to": "b3"}).content.decode()
    assert "1 courriel" in filtered and "b3@example.org" in filtered and "a@example.org</td>" not in filtered
    assert EmailLog.objects.count() == 3


def test_staff_retry_a_failed_message_now_and_others_cannot(settings, client_for, staff, doctoral_student):
    from django.core import mail

    from tests.notifications.test_messenger import FlakyBackend

    settings.EMAIL_BACKEND = "tests.notifications.test_messenger.FlakyBackend"
    FlakyBackend.failures = 1
    mail.outbox = []
    log = services.send("obligation_overdue", "a@example.org", CONTEXT, dedupe_key="retry-1")
    assert log.status == "failed"
    url = reverse("notifications:retry", args=[log.pk])
    assert client_for(doctoral_student).post(url).status_code == 403
    assert client_for(staff).get(url).status_code == 405
    response = client_for(staff).post(url)
    assert response["Location"] == reverse("notifications:detail", args=[log.pk])
    log.refresh_from_db()
    assert (log.status, log.attempts) == ("sent", 2)
    # Once sent, asking again sends nothing.
    client_for(staff).post(url)
    log.refresh_from_db()
    assert log.attempts == 2
    assert len(mail.outbox) == 1
