"""Bad input, as one table (issue 9, section 2): every case gives one field a bad value and expects
the message next to that field, in the user's language, and nothing written (every row of every
table of the project's apps, and every stored file, unchanged).

A case is ``(action, field, value, expected, language)``. The action sets up what the case needs,
then sends the value the way a user would (a form, a list's filter, an export, the ``cifre``
command, a model's ``full_clean``) and reports the status and the messages by field. For an export,
"the message next to the field" is the cell written for that field: the value, defused.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from cifre.bounds import BoundedTextField, PlausibleDateField, PlausibleDateTimeField
from cifre.spreadsheets import safe_cell
from conventions import services
from conventions.models import Convention, Employer
from events.models import Event, NewsItem, Page, Registration
from notifications.models import EmailTemplate
from subsidies.domain import invoicing
from subsidies.domain.sweep import sweep
from tests.conventions.factories import ConventionFactory, EmployerFactory
from tests.conventions.pdfs import pdf_bytes, pdf_upload
from tests.events.factories import EventFactory
from tests.subsidies.factories import EXAMPLE_A_RECEIVED, make_convention

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("accounts", "applications", "conventions", "subsidies", "events", "notifications")

# The messages, as the user reads them.
YEAR = "Indiquez une année entre 1990 et 2100."
DATE = "Indiquez une date entre le 01/01/1990 et le 31/12/2100."
ENGINE_FR = "date hors limites : elle doit se situer entre le 01/01/1990 et le 31/12/2100"
ENGINE_EN = "date out of range: it must lie between 1990-01-01 and 2100-12-31"
NOT_PDF_FR = "Ce fichier n'est pas un PDF (son contenu ne correspond pas)."
NOT_PDF_EN = "This file is not a PDF (its content does not match)."
INTEGER = "Saisissez un nombre entier."


def tag_refused(tag: str) -> str:
    return f"La balise {{% {tag} %}} n'est pas autorisée dans un modèle d'e-mail."


def too_long(limit: int, length: int, language: str = "fr") -> str:
    if language == "en":
        return f"Ensure this value has at most {limit} characters (it has {length})."
    return f"Assurez-vous que cette valeur comporte au plus {limit} caractères (actuellement {length})."


LONG = "x" * 100_000
TWENTY_DIGITS = "12345678901234567890"
HTML_THEN_PDF = b"<html><body>Bonjour</body></html>\n" + pdf_bytes()


# --- What "nothing written" means ------------------------------------------------------------------


def stored() -> tuple[dict[str, list[str]], list[str]]:
    """Every row of every table of the project's apps (histories included), and every stored file."""
    rows = {
        model._meta.label: sorted(repr(row) for row in model._base_manager.values_list())
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS
    }
    root = Path(settings.MEDIA_ROOT)
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []
    return rows, files


# --- The world the cases act in --------------------------------------------------------------------


class World:
    """What the cases need, created on first use (before the snapshot of what is stored)."""

    def __init__(self, client_for, staff, admin_user, tmp_path):
        self.staff = client_for(staff)
        self.admin = client_for(admin_user)
        self.tmp_path = tmp_path

    @property
    def convention(self) -> Convention:
        if not hasattr(self, "_convention"):
            self._convention = ConventionFactory(
                contract_type=Convention.ContractType.FIXED_TERM, contract_end_date=dt.date(2028, 3, 16)
            )
        return self._convention

    @property
    def invoice(self):
        if not hasattr(self, "_invoice"):
            convention = make_convention(
                dt.date(2025, 3, 17), as_of=dt.date(2026, 6, 1), received=EXAMPLE_A_RECEIVED, number="2025/0900"
            )
            sweep(dt.date(2026, 6, 1))
            instalment = convention.instalments.get(number=2)
            self._invoice = invoicing.issue_invoices([instalment.pk], issued_on=dt.date(2026, 6, 2))[0]
        return self._invoice


def url(language: str, name: str, *args) -> str:
    with translation.override(language):
        return reverse(name, args=args)


@dataclass(frozen=True)
class Outcome:
    status: int
    errors: dict[str, list[str]]
    shown: str  # what the user sees: the page, the command's error output, the exported file


def form_outcome(response, name: str = "form") -> Outcome:
    form = response.context[name]
    return Outcome(response.status_code, {k: list(v) for k, v in form.errors.items()}, response.content.decode())


def filter_outcome(response) -> Outcome:
    return form_outcome(response, "filter")


def convention_data(convention: Convention) -> dict[str, str]:
    """The convention form as the edit page fills it."""
    data = {
        name: getattr(convention, name)
        for name in (
            "anrt_number",
            "thesis_title",
            "committee_date",
            "submission_date",
            "effective_date",
            "doctoral_enrolment_date",
            "signed_duration_months",
            "duration_reason",
            "contract_type",
            "contract_end_date",
            "gross_salary",
            "defence_date",
        )
    }
    for name in ("doctoral_student", "employer", "host_department", "lab", "tutor", "thesis_director"):
        data[name] = getattr(convention, f"{name}_id")
    return {k: "" if v is None else (v.isoformat() if hasattr(v, "isoformat") else str(v)) for k, v in data.items()}


# --- Actions: set up (given the field and the value), then send in a language ----------------------

Send = Callable[[str], Outcome]


def get_list(name: str, context: str = "filter"):
    def setup(world: World, field: str, value) -> Send:
        world.convention  # a list with a row in it

        def send(language):
            response = world.staff.get(url(language, name), {field: value})
            return form_outcome(response, context)

        return send

    return setup


def get_public_list(name: str):
    def setup(world: World, field: str, value) -> Send:
        from django.test import Client

        def send(language):
            return form_outcome(Client().get(url(language, name), {field: value}))

        return send

    return setup


def invoice_list(world: World, field: str, value) -> Send:
    world.invoice

    def send(language):
        return form_outcome(world.staff.get(url(language, "subsidies:invoice_list"), {field: value}))

    return send


def convention_create(world: World, field: str, value) -> Send:
    convention = world.convention
    data = {**convention_data(convention), "anrt_number": "2025/0999", "signed": "on"}

    def send(language):
        return form_outcome(world.staff.post(url(language, "conventions:create"), {**data, field: value}))

    return send


def convention_edit(world: World, field: str, value) -> Send:
    convention = world.convention
    data = convention_data(convention)

    def send(language):
        return form_outcome(world.staff.post(url(language, "conventions:edit", convention.pk), {**data, field: value}))

    return send


def suspension_add(world: World, field: str, value) -> Send:
    convention = world.convention
    data = {"start": "2026-01-01", "end": "2026-03-31", "reason": "Congé"}

    def send(language):
        response = world.staff.post(url(language, "conventions:suspension_add", convention.pk), {**data, field: value})
        return form_outcome(response)

    return send


def terminate(world: World, field: str, value) -> Send:
    convention = world.convention
    data = {"termination_date": "2026-09-30", "termination_reason": "Abandon"}

    def send(language):
        response = world.staff.post(url(language, "conventions:terminate", convention.pk), {**data, field: value})
        return form_outcome(response)

    return send


def amendment_add(world: World, field: str, value) -> Send:
    convention = world.convention
    data = {"kind": "other", "date": "2026-02-01", "description": "Changement d'intitulé"}
    if field == "new_contract_end_date":
        data.update(kind="extension", new_duration_months="36")

    def send(language):
        payload = {**data, field: SimpleUploadedFile("avenant.pdf", value) if field == "file" else value}
        return form_outcome(world.staff.post(url(language, "conventions:amendment_add", convention.pk), payload))

    return send


def document_upload(world: World, field: str, value) -> Send:
    obligation = world.convention.obligations.get(key="enrolment:2025")
    data = {"received_on": "2025-10-01"}

    def send(language):
        sent = SimpleUploadedFile("certificat.pdf", value) if field == "file" else value
        payload = {**data, "file": pdf_upload(), field: sent}
        response = world.staff.post(url(language, "conventions:document_upload", obligation.pk), payload)
        return form_outcome(response)

    return send


def document_confirm(world: World, field: str, value) -> Send:
    obligation = world.convention.obligations.get(key="enrolment:2025")
    document = services.add_document(
        obligation, pdf_upload(), world.convention.doctoral_student, received_on=None, confirm=False
    )

    def send(language):
        response = world.staff.post(url(language, "conventions:document_confirm", document.pk), {field: value})
        return form_outcome(response)

    return send


def employer_edit(world: World, field: str, value) -> Send:
    employer = world.convention.employer
    data = {"name": employer.name, "siret": employer.siret, "kind": employer.kind, "address": employer.address}

    def send(language):
        target = url(language, "conventions:reference_edit", "employeurs", employer.pk)
        return form_outcome(world.staff.post(target, {**data, field: value}))

    return send


def payment_create(world: World, field: str, value) -> Send:
    invoice = world.invoice
    data = {"amount": "100,00", "received_on": "2026-06-10", "note": ""}

    def send(language):
        response = world.staff.post(url(language, "subsidies:payment_create", invoice.pk), {**data, field: value})
        return form_outcome(response, "payment_form")

    return send


def email_template_edit(world: World, field: str, value) -> Send:
    template = EmailTemplate.objects.get(key="obligation_overdue", language="fr")
    data = {"subject": template.subject, "body": template.body}

    def send(language):
        target = url(language, "notifications:template_edit", template.pk)
        return form_outcome(world.staff.post(target, {**data, field: value}))

    return send


def email_template_admin(world: World, field: str, value) -> Send:
    template = EmailTemplate.objects.get(key="obligation_overdue", language="fr")
    data = {"subject": template.subject, "body": template.body}

    def send(language):
        target = url(language, "admin:notifications_emailtemplate_change", template.pk)
        response = world.admin.post(target, {**data, field: value})
        form = response.context["adminform"].form
        return Outcome(response.status_code, {k: list(v) for k, v in form.errors.items()}, response.content.decode())

    return send


def registrants_email(world: World, field: str, value) -> Send:
    event = EventFactory()
    Registration.objects.create(event=event, name="Ada", email="ada@example.org", consent=True, status="confirmed")
    data = {"subject": "Rappel", "body": "À demain."}

    def send(language):
        response = world.staff.post(url(language, "events_staff:registration_email", event.pk), {**data, field: value})
        return form_outcome(response)

    return send


def cli(action: str):
    def setup(world: World, field: str, value) -> Send:
        path = world.tmp_path / "input.json"
        path.write_text(json.dumps(value))

        def send(language):
            out, err = io.StringIO(), io.StringIO()
            try:
                call_command("cifre", "--language", language, action, str(path), stdout=out, stderr=err)
            except SystemExit as exit_:
                code = exit_.code
            else:
                code = 0
            prefix = "error: "
            text = err.getvalue().rstrip("\n")
            name, _, message = text.removeprefix(prefix).partition(": ")
            errors = {name: [message]} if text.startswith(prefix) else {}
            return Outcome(code, errors, out.getvalue() + text)

        return send

    return setup


def model_clean(factory: Callable[[], models.Model]):
    def setup(world: World, field: str, value) -> Send:
        instance = factory()
        setattr(instance, field, value)

        def send(language):
            with translation.override(language):
                try:
                    instance.full_clean()
                except ValidationError as error:
                    return Outcome(1, error.message_dict, "")
            return Outcome(0, {}, "")

        return send

    return setup


def _csv_cells(content: str, column: int, delimiter: str = ",") -> list[str]:
    return [row[column] for row in csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=delimiter)][1:]


def registrations_export(world: World, field: str, value) -> Send:
    event = EventFactory()
    Registration.objects.create(event=event, consent=True, status="confirmed", **{"name": "Ada", "email": "a@b.fr"})
    Registration.objects.filter(event=event).update(**{field: value})
    column = {"name": 0, "email": 1}[field]

    def send(language):
        response = world.staff.get(url(language, "events_staff:registration_csv", event.pk))
        content = response.content.decode()
        return Outcome(response.status_code, {field: _csv_cells(content, column)}, content)

    return send


def conventions_export(fmt: str):
    def setup(world: World, field: str, value) -> Send:
        student = world.convention.doctoral_student
        type(student).objects.filter(pk=student.pk).update(first_name=value, last_name="")

        def send(language):
            response = world.staff.get(url(language, "conventions:export", fmt))
            if fmt == "csv":
                content = response.content.decode()
                return Outcome(response.status_code, {field: _csv_cells(content, 1, ";")}, content)
            from openpyxl import load_workbook

            sheet = load_workbook(io.BytesIO(response.content)).active
            cells = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
            return Outcome(response.status_code, {field: cells}, "\n".join(map(str, cells)))

        return send

    return setup


# --- The table -------------------------------------------------------------------------------------


def export_filter(fmt: str):
    def setup(world: World, field: str, value) -> Send:
        world.convention

        def send(language):
            response = world.staff.get(url(language, "conventions:export", fmt), {field: value})
            assert response["Content-Type"] == "text/html; charset=utf-8"  # no file: the list, with the error
            return filter_outcome(response)

        return send

    return setup


# action -> (set-up, the status of a refusal: HTTP status, the command's exit status, 1 for full_clean)
ACTIONS: dict[str, tuple[Callable[[World, str, object], Send], int]] = {
    "GET conventions list": (get_list("conventions:list"), 400),
    "GET conventions export.csv": (export_filter("csv"), 400),
    "GET conventions export.xlsx": (export_filter("xlsx"), 400),
    "GET obligations list": (get_list("conventions:obligations"), 400),
    "GET instalments list": (get_list("conventions:instalments"), 400),
    "GET invoices list": (invoice_list, 200),
    "GET people list": (get_public_list("events:people_list"), 200),
    "POST convention create": (convention_create, 400),
    "POST convention edit": (convention_edit, 400),
    "POST suspension add": (suspension_add, 400),
    "POST termination": (terminate, 400),
    "POST amendment add": (amendment_add, 400),
    "POST document upload": (document_upload, 400),
    "POST document confirm": (document_confirm, 400),
    "POST employer edit": (employer_edit, 400),
    "POST payment": (payment_create, 400),
    "POST e-mail template": (email_template_edit, 400),
    "POST admin e-mail template": (email_template_admin, 200),
    "POST e-mail to registrants": (registrants_email, 200),
    "cifre plan": (cli("plan"), 2),
    "cifre eligibility": (cli("eligibility"), 2),
    "full_clean Employer": (model_clean(lambda: EmployerFactory.build()), 1),
    "full_clean Page": (model_clean(lambda: Page(slug="p", title_fr="P")), 1),
    "full_clean NewsItem": (model_clean(lambda: NewsItem(slug="n", title_fr="N")), 1),
    "full_clean Event": (model_clean(lambda: Event(slug="e", title_fr="E")), 1),
    "export registrations.csv": (registrations_export, 200),
    "export conventions.csv": (conventions_export("csv"), 200),
    "export conventions.xlsx": (conventions_export("xlsx"), 200),
}


PLAN = {"effective_date": "2025-03-17", "annual_subsidy": "14000", "as_of": "2026-06-01"}
ELIGIBILITY = {"reference_date": "2025-01-15", "effective_date": "2025-03-17", "masters_date": "2024-06-30"}

CASES = [
    # Numeric filters of the lists: bounded, an error next to the filter, no server error.
    ("GET conventions list", "year", "0", YEAR, "fr"),
    ("GET conventions list", "year", "-1", YEAR, "fr"),
    ("GET conventions list", "year", "99999", YEAR, "fr"),
    ("GET conventions list", "year", TWENTY_DIGITS, YEAR, "fr"),
    ("GET conventions list", "year", "2025.5", INTEGER, "fr"),
    ("GET conventions export.csv", "year", "0", YEAR, "fr"),
    ("GET conventions export.csv", "year", TWENTY_DIGITS, YEAR, "fr"),
    ("GET conventions export.xlsx", "year", "-1", YEAR, "fr"),
    ("GET conventions export.xlsx", "year", "99999", YEAR, "fr"),
    ("GET instalments list", "lost_year", "0", YEAR, "fr"),
    ("GET instalments list", "lost_year", "-1", YEAR, "fr"),
    ("GET instalments list", "lost_year", "99999", YEAR, "fr"),
    ("GET instalments list", "lost_year", TWENTY_DIGITS, YEAR, "fr"),
    ("GET instalments list", "due_to", "9999-12-31", DATE, "fr"),
    ("GET obligations list", "due_from", "0001-01-01", DATE, "fr"),
    ("GET obligations list", "forfeits_to", "9999-12-31", DATE, "fr"),
    ("GET invoices list", "year", TWENTY_DIGITS, "Assurez-vous que cette valeur est inférieure ou égale à 2100.", "fr"),
    ("GET people list", "annee", TWENTY_DIGITS, "Assurez-vous que cette valeur est inférieure ou égale à 2100.", "fr"),
    # Dates: every stored date lies between 1990-01-01 and 2100-12-31.
    ("POST convention edit", "effective_date", "9999-12-31", DATE, "fr"),
    ("POST convention edit", "effective_date", "1900-01-01", DATE, "fr"),
    ("POST convention edit", "doctoral_enrolment_date", "9999-12-31", DATE, "fr"),
    ("POST convention edit", "submission_date", "9999-12-31", DATE, "fr"),
    ("POST convention edit", "committee_date", "0001-01-01", DATE, "fr"),
    ("POST convention edit", "contract_end_date", "9999-12-31", DATE, "fr"),
    ("POST convention edit", "defence_date", "9999-12-31", DATE, "fr"),
    ("POST convention create", "effective_date", "9999-12-31", DATE, "fr"),
    ("POST convention create", "defence_date", "2101-01-01", DATE, "fr"),
    ("POST suspension add", "end", "9999-12-31", DATE, "fr"),
    ("POST suspension add", "start", "1989-12-31", DATE, "fr"),
    ("POST termination", "termination_date", "9999-12-31", DATE, "fr"),
    ("POST amendment add", "date", "9999-12-31", DATE, "fr"),
    ("POST amendment add", "new_contract_end_date", "9999-12-31", DATE, "fr"),
    ("POST document upload", "received_on", "1900-01-01", DATE, "fr"),
    ("POST document confirm", "received_on", "1900-01-01", DATE, "fr"),
    ("POST payment", "received_on", "1900-01-01", DATE, "fr"),
    ("full_clean Page", "published_on", dt.date(9999, 12, 31), DATE, "fr"),
    ("full_clean Event", "start", dt.datetime(1, 1, 1, tzinfo=dt.UTC), DATE, "fr"),
    ("full_clean NewsItem", "published_at", dt.datetime(9999, 12, 31, tzinfo=dt.UTC), DATE, "fr"),
    # The rules engine refuses the dates it cannot compute with, on the field (RULES.md §7).
    ("cifre plan", "effective_date", {**PLAN, "effective_date": "9999-12-31"}, ENGINE_FR, "fr"),
    ("cifre plan", "effective_date", {**PLAN, "effective_date": "9999-12-31"}, ENGINE_EN, "en"),
    ("cifre plan", "doctoral_enrolment_date", {**PLAN, "doctoral_enrolment_date": "0001-01-01"}, ENGINE_FR, "fr"),
    ("cifre plan", "submission_date", {**PLAN, "submission_date": "9999-12-31"}, ENGINE_FR, "fr"),
    (
        "cifre plan",
        "suspensions[0].end",
        {**PLAN, "suspensions": [{"start": "2026-01-01", "end": "9999-12-31"}]},
        ENGINE_FR,
        "fr",
    ),
    ("cifre plan", "termination_date", {**PLAN, "termination_date": "9999-12-31"}, ENGINE_EN, "en"),
    (
        "cifre plan",
        "received.employment_contract",
        {**PLAN, "received": {"employment_contract": "0001-01-01"}},
        ENGINE_FR,
        "fr",
    ),
    ("cifre plan", "as_of", {**PLAN, "as_of": "9999-12-31"}, ENGINE_FR, "fr"),
    ("cifre eligibility", "masters_date", {**ELIGIBILITY, "masters_date": "0001-01-01"}, ENGINE_FR, "fr"),
    ("cifre eligibility", "reference_date", {**ELIGIBILITY, "reference_date": "9999-12-31"}, ENGINE_EN, "en"),
    (
        "cifre eligibility",
        "employment_periods[0].start",
        {**ELIGIBILITY, "employment_periods": [{"start": "0001-01-01"}]},
        ENGINE_FR,
        "fr",
    ),
    # E-mail templates: only the tags the restricted engine renders.
    ("POST e-mail template", "body", '{% include "base.html" %}', tag_refused("include"), "fr"),
    ("POST e-mail template", "body", '{% extends "base.html" %}Bonjour', tag_refused("extends"), "fr"),
    ("POST e-mail template", "body", "{% if days %}{% url 'events:home' %}{% endif %}", tag_refused("url"), "fr"),
    ("POST e-mail template", "body", "{% for x in y %}{% empty %}{% debug %}{% endfor %}", tag_refused("debug"), "fr"),
    ("POST e-mail template", "body", "{% load i18n %}{% translate 'x' %}", tag_refused("load"), "fr"),
    ("POST e-mail template", "body", "{% block b %}{% endblock %}", tag_refused("block"), "fr"),
    ("POST e-mail template", "subject", "{% csrf_token %} Relance", tag_refused("csrf_token"), "fr"),
    ("POST admin e-mail template", "body", '{% include "base.html" %}', tag_refused("include"), "fr"),
    # Uploads: a PDF starts with %PDF-.
    ("POST document upload", "file", HTML_THEN_PDF, NOT_PDF_FR, "fr"),
    ("POST document upload", "file", HTML_THEN_PDF, NOT_PDF_EN, "en"),
    ("POST amendment add", "file", HTML_THEN_PDF, NOT_PDF_FR, "fr"),
    # Exports: every text cell that a spreadsheet would run as a formula is defused.
    ("export registrations.csv", "email", "=1+2@example.org", ["'=1+2@example.org"], "fr"),
    ("export registrations.csv", "name", "@SUM(A1:A2)", ["'@SUM(A1:A2)"], "fr"),
    ("export conventions.csv", "first_name", "=2+3", ["'=2+3"], "fr"),
    ("export conventions.xlsx", "first_name", "-2+3", ["'-2+3"], "fr"),
    ("export conventions.xlsx", "first_name", "@cmd", ["'@cmd"], "fr"),
    ("export registrations.csv", "name", "\t=1", ["'\t=1"], "fr"),
    # Free texts: a limit fit for each use, enforced by the forms and by the models.
    ("POST amendment add", "description", LONG, too_long(2000, 100_000), "fr"),
    ("POST employer edit", "address", LONG, too_long(500, 100_000), "fr"),
    ("POST employer edit", "address", LONG, too_long(500, 100_000, "en"), "en"),
    ("POST e-mail template", "body", LONG, too_long(20_000, 100_000), "fr"),
    ("POST e-mail to registrants", "body", LONG, too_long(20_000, 100_000), "fr"),
    ("full_clean Employer", "address", LONG, too_long(500, 100_000), "fr"),
    ("full_clean Page", "body_fr", "x" * 100_001, too_long(100_000, 100_001), "fr"),
    ("full_clean Event", "description_en", LONG, too_long(20_000, 100_000, "en"), "en"),
]


def _id(case) -> str:
    action, field, value, _expected, language = case
    shown = repr(value if not isinstance(value, dict) else value.get(field.split("[")[0].split(".")[0]))
    return f"{action}-{field}={shown[:24]}-{language}"


@pytest.mark.parametrize(("action", "field", "value", "expected", "language"), CASES, ids=[_id(c) for c in CASES])
def test_bad_input_is_refused_next_to_its_field_and_nothing_is_written(
    action, field, value, expected, language, client_for, staff, admin_user, tmp_path
):
    setup, refused_status = ACTIONS[action]
    send = setup(World(client_for, staff, admin_user, tmp_path), field, value)
    before = stored()

    outcome = send(language)

    if isinstance(expected, list):  # an export: the cells written for the field
        assert (outcome.status, outcome.errors) == (refused_status, {field: expected})
        assert expected[0].replace('"', '""') in outcome.shown
    else:
        assert (outcome.status, outcome.errors) == (refused_status, {field: [expected]})
        if outcome.shown:
            assert (escape(expected) if action.startswith(("GET", "POST")) else expected) in outcome.shown
    assert stored() == before


# --- The mechanisms the table relies on, for every model --------------------------------------------


def project_fields():
    for model in apps.get_models():
        if model._meta.app_label in PROJECT_APPS and model._meta.app_label != "applications":
            yield from ((model, field) for field in model._meta.get_fields() if isinstance(field, models.Field))


def test_every_date_field_of_every_model_is_bounded():
    plain = [
        f"{model._meta.label}.{field.name}"
        for model, field in project_fields()
        if isinstance(field, models.DateField)
        and not isinstance(field, models.DateTimeField)
        and not isinstance(field, PlausibleDateField)
    ]
    assert plain == []


def test_every_date_time_a_person_types_is_bounded():
    """The other date-times are set by the server's clock (``auto_now``, a service's ``timezone.now()``)."""
    typed = {"events.Event.start", "events.Event.end", "events.NewsItem.published_at"}
    bounded = {
        f"{model._meta.label}.{field.name}"
        for model, field in project_fields()
        if isinstance(field, PlausibleDateTimeField) and not model._meta.label.split(".")[1].startswith("Historical")
    }
    assert typed - bounded == set()


def test_every_text_field_of_every_model_has_a_limit_enforced_by_the_model():
    plain = [
        f"{model._meta.label}.{field.name}"
        for model, field in project_fields()
        if isinstance(field, models.TextField)
        and not isinstance(field, BoundedTextField)
        and not model.__name__.startswith("Historical")  # copies of the tracked models' fields
    ]
    assert plain == []
    field = Employer._meta.get_field("address")
    assert (field.max_length, [v.limit_value for v in field.validators]) == (500, [500])


def test_a_bounded_text_shows_its_limit_in_the_form(client_for, staff):
    response = client_for(staff).get(reverse("conventions:reference_create", args=["employeurs"]))
    assert 'maxlength="500"' in response.content.decode()


def test_date_inputs_carry_the_range():
    from conventions.forms import TerminationForm

    widget = TerminationForm(convention=Convention()).fields["termination_date"].widget
    assert (widget.attrs["min"], widget.attrs["max"]) == ("1990-01-01", "2100-12-31")


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+2", "'=1+2"),
        ("+33 1 23", "'+33 1 23"),
        ("-x", "'-x"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=1", "a=1"),
        ("", ""),
        (None, None),
    ],
)
def test_one_protection_for_every_exported_text_cell(value, cell):
    assert safe_cell(value) == cell


def test_numbers_dates_and_amounts_are_written_as_values():
    from decimal import Decimal

    values = [Decimal("-5.00"), -3, dt.date(2026, 1, 1)]
    assert [safe_cell(v) for v in values] == values


def test_a_student_upload_of_html_then_pdf_is_refused_too(client_for):
    convention = ConventionFactory()
    obligation = convention.obligations.get(key="enrolment:2025")
    client = client_for(convention.doctoral_student)
    before = stored()
    response = client.post(
        reverse("conventions:document_upload", args=[obligation.pk]),
        {"file": SimpleUploadedFile("certificat.pdf", HTML_THEN_PDF)},
    )
    assert (response.status_code, response.context["form"].errors) == (400, {"file": [NOT_PDF_FR]})
    assert stored() == before


def test_a_good_value_still_goes_through(client_for, staff):
    """The bounds are not too tight: the edges of the range are accepted."""
    convention = ConventionFactory()
    client = client_for(staff)
    response = client.get(reverse("conventions:list"), {"year": "2025"})
    assert (response.status_code, list(response.context["page"])) == (200, [convention])
    response = client.get(reverse("conventions:instalments"), {"lost_year": "2100", "due_from": "1990-01-01"})
    assert (response.status_code, list(response.context["page"])) == (200, [])


def test_every_seeded_email_template_passes_the_check():
    """The allowed tags are enough for the messages the application ships."""
    from notifications.catalogue import SAMPLE_CONTEXT
    from notifications.services import check_template

    problems = {
        (t.key, t.language): check_template(t.subject, t.body, SAMPLE_CONTEXT.get(t.key, {}))
        for t in EmailTemplate.objects.all()
    }
    assert len(problems) >= 8
    assert {key: problem for key, problem in problems.items() if problem} == {}
