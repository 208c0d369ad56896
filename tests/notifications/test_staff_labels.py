"""Staff read labels, not internal names: no message keys, no dedupe keys, no raw {{ … }} tags in the
template list; each template lists its variables with what they mean (issue 12, 6d)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications import catalogue, services
from notifications.models import EmailTemplate

pytestmark = pytest.mark.django_db
CONTEXT = catalogue.SAMPLE_CONTEXT["obligation_overdue"]


def test_template_list_shows_labels_and_subjects_as_sent(client_for, staff):
    html = client_for(staff).get(reverse("notifications:templates")).content.decode()
    table = html[html.index('id="email-templates"') : html.index("</table>")]
    assert "{{" not in table and "{%" not in table
    assert "obligation_due_soon" not in table
    assert "Rappel : document à transmettre avant l&#x27;échéance" in table
    assert catalogue.SAMPLE_CONTEXT["obligation_due_soon"]["convention_number"] in table


def test_template_list_query_count_does_not_grow(client_for, staff):
    client = client_for(staff)
    client.get(reverse("notifications:templates"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("notifications:templates"))
    template = EmailTemplate.objects.first()
    for n in range(5):
        EmailTemplate.objects.create(key=f"extra_{n}", language="fr", subject="S", body="B")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("notifications:templates"))
    assert len(many) == len(few), template


def test_every_variable_of_every_message_has_a_meaning():
    for key in catalogue.SAMPLE_CONTEXT:
        missing = [name for name, description in catalogue.variables_of(key) if not description]
        assert missing == [], key


def test_the_editor_lists_variables_with_their_meaning(client_for, staff):
    template = EmailTemplate.objects.get(key="obligation_due_soon", language="fr")
    html = client_for(staff).get(reverse("notifications:template_edit", args=[template.pk])).content.decode()
    table = html[html.index('id="template-variables"') : html.index("</table>", html.index('id="template-variables"'))]
    assert "<code>{{ due_date }}</code>" in table
    assert "date à laquelle le document doit parvenir à l&#x27;ANRT" in table
    assert len(re.findall(r"<th scope=\"row\">", table)) == len(catalogue.SAMPLE_CONTEXT["obligation_due_soon"])


def test_a_registered_message_may_give_its_own_meanings():
    catalogue.register({"x_test": "X"}, {}, {"x_test": {"url": "u"}}, {"x_test": {"url": "lien du dossier"}})
    try:
        assert catalogue.variables_of("x_test") == [("url", "lien du dossier")]
    finally:
        for registry in (catalogue.LABELS, catalogue.SAMPLE_CONTEXT, catalogue.VARIABLES, catalogue._OWN_DESCRIPTIONS):
            registry.pop("x_test", None)


def test_the_log_detail_shows_the_label_and_no_dedupe_key(client_for, staff):
    log = services.send("obligation_overdue", "x@example.org", CONTEXT, dedupe_key="internal-key-123")
    html = client_for(staff).get(reverse("notifications:detail", args=[log.pk])).content.decode()
    assert "internal-key-123" not in html
    assert ">obligation_overdue<" not in html
    assert str(catalogue.LABELS["obligation_overdue"]).replace("'", "&#x27;") in html
