"""The candidate's list of dossiers (a fixed number of queries), starting a dossier for the open
call (signed in first), the navigation link, and "download my data" (JSON, and a ZIP with the files)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from applications import services
from applications.models import Dossier, DossierEvent, WorkPeriod
from tests.applications.candidate_pages import step_url
from tests.applications.factories import CallFactory, DossierFactory
from tests.conventions.pdfs import pdf_bytes
from tests.factories import UserFactory, sign_in

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


# --- The list ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 3])
def test_the_list_makes_the_same_number_of_queries_for_1_and_3_dossiers(rows, candidate, django_assert_num_queries):
    for index in range(rows):
        DossierFactory(candidate=candidate, call=CallFactory(year=2050 + index), submitted=index > 0)
    client = signed_in(candidate)
    # Session, user, roles; the dossiers with their calls; the open call and its themes.
    with django_assert_num_queries(6):
        response = client.get(reverse("applications:my_dossiers"))
    assert len(response.context["dossiers"]) == rows


def test_the_list_offers_the_open_call_until_a_dossier_is_started(candidate):
    call = CallFactory()
    client = signed_in(candidate)
    html = client.get(reverse("applications:my_dossiers")).content.decode()
    assert f'href="{reverse("applications:start", args=[call.pk])}">Commencer mon dossier</a>' in html
    # The signed-in menu has the candidate's link.
    assert 'href="/candidatures/" aria-current="page">Ma candidature</a>' in html
    client.post(reverse("applications:start", args=[call.pk]))
    response = client.get(reverse("applications:my_dossiers"))
    assert "Commencer mon dossier" not in response.content.decode()
    assert [d.status for d in response.context["dossiers"]] == ["draft"]


def test_starting_needs_a_sign_in_first_and_then_comes_back(client):
    call = CallFactory()
    url = reverse("applications:start", args=[call.pk])
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (302, f"/compte/login/?next={url}")
    user = UserFactory(role="candidate")
    response = client.post(response["Location"], {"login": user.email, "password": "correct-horse-battery-9"})
    assert (response.status_code, response["Location"]) == (302, url)
    assert Dossier.objects.count() == 0  # a GET never creates a dossier
    response = client.post(url)
    dossier = Dossier.objects.get()
    assert (response.status_code, response["Location"]) == (302, step_url(dossier, "candidate"))
    # Prefilled from the account.
    assert (dossier.candidate, dossier.email, dossier.first_name, dossier.last_name) == (
        user,
        user.email,
        user.first_name,
        user.last_name,
    )
    # Starting again leads to the same dossier, never a second one.
    assert client.post(url)["Location"] == step_url(dossier, "candidate")
    assert Dossier.objects.count() == 1


@pytest.mark.parametrize("trait", ["closed", "upcoming"])
def test_a_call_that_is_not_open_cannot_be_started(trait, candidate):
    call = CallFactory(**{trait: True})
    client = signed_in(candidate)
    page = client.get(reverse("applications:start", args=[call.pk]))
    assert (page.status_code, page.context["is_open"]) == (200, False)
    response = client.post(reverse("applications:start", args=[call.pk]))
    assert response.status_code == 409
    assert [str(m) for m in response.context["messages"]] == [
        "Cet appel n'est pas ouvert : il n'est pas possible de commencer un dossier."
    ]
    assert Dossier.objects.count() == 0


def test_an_unpublished_call_is_not_found(candidate):
    call = CallFactory(is_published=False)
    assert signed_in(candidate).get(reverse("applications:start", args=[call.pk])).status_code == 404


# --- Download my data -------------------------------------------------------------------------------


@pytest.fixture
def submitted(candidate):
    dossier = DossierFactory(candidate=candidate, submitted=True)
    WorkPeriod.objects.create(dossier=dossier, start=dt.date(2024, 1, 1), end=dt.date(2024, 3, 31), description="DEVE")
    DossierEvent.objects.create(dossier=dossier, kind=DossierEvent.Kind.OVERRIDE, public=False, message="interne")
    return dossier


def test_the_json_holds_every_personal_field_the_periods_the_files_and_the_history(submitted, candidate):
    response = signed_in(candidate).get(reverse("applications:my_data_json"))
    assert (response.status_code, response["Content-Disposition"], response["Cache-Control"]) == (
        200,
        'attachment; filename="mes-donnees-cifre.json"',
        "private, no-store",
    )
    data = json.loads(response.content)
    assert data["account"]["email"] == candidate.email
    (dossier,) = data["dossiers"]
    assert (dossier["number"], dossier["status"], dossier["version"]) == (submitted.number, "submitted", 1)
    fields = dossier["fields"]
    assert {name: fields[name] for name in ("first_name", "last_name", "email", "phone", "address")} == {
        "first_name": submitted.first_name,
        "last_name": submitted.last_name,
        "email": submitted.email,
        "phone": "01 42 76 40 40",
        "address": "5 rue Lobau, 75004 Paris",
    }
    assert (fields["needs_work_permit"], fields["degree_date"], fields["director_email"]) == (
        False,
        submitted.degree_date.isoformat(),
        "d.durand@univ-paris1.fr",
    )
    assert fields["theme"] == str(submitted.theme)
    assert len(fields) == 33  # every field of the six steps' forms
    assert dossier["work_periods"] == [{"start": "2024-01-01", "end": "2024-03-31", "description": "DEVE"}]
    digest = hashlib.sha256(pdf_bytes()).hexdigest()
    assert sorted((f["kind"], f["name"], f["size"], f["sha256"]) for f in dossier["files"]) == sorted(
        (kind, f"{kind}.pdf", len(pdf_bytes()), digest)
        for kind in ("cv", "diploma", "transcripts", "cover_letter", "support_letter", "project")
    )
    assert [entry["event"] for entry in dossier["history"]] == ["submitted"]  # internal entries left out


def test_the_zip_holds_the_json_and_every_file(submitted, candidate):
    response = signed_in(candidate).get(reverse("applications:my_data_zip"))
    assert (response.status_code, response["Content-Disposition"], response["Cache-Control"]) == (
        200,
        'attachment; filename="mes-donnees-cifre.zip"',
        "private, no-store",
    )
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    number = submitted.number
    assert sorted(archive.namelist()) == sorted(
        ["mes-donnees.json"]
        + [
            f"{number}/{number}_{kind}_{kind}.pdf"
            for kind in ("cv", "diploma", "transcripts", "cover_letter", "support_letter", "project")
        ]
    )
    assert archive.read(f"{number}/{number}_cv_cv.pdf") == pdf_bytes()
    data = json.loads(archive.read("mes-donnees.json"))
    assert sorted(f["archive_path"] for f in data["dossiers"][0]["files"]) == sorted(
        name for name in archive.namelist() if name.endswith(".pdf")
    )


def test_someone_elses_data_is_never_in_ones_export(submitted):
    other = UserFactory(role="candidate")
    services.start_dossier(submitted.call, other)
    data = json.loads(signed_in(other).get(reverse("applications:my_data_json")).content)
    assert [d["number"] for d in data["dossiers"]] == [None]
    assert submitted.email not in json.dumps(data)
