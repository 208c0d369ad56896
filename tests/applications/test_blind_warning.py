"""The blind call's warning: a candidate whose uploaded PDF names them is told so, before and after submitting.

The PDFs are generated (``tests.applications.pdfs.document``) with or without the candidate's name
or e-mail in their text. The warning names the documents concerned, never blocks the submission,
is given only in blind calls, and the text of a document is read once per SHA-256.
"""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.urls import reverse

from applications import anonymity
from applications.models import Dossier, DossierFile
from tests.applications.factories import CallFactory, DossierFactory, add_file, fill
from tests.applications.pdfs import document
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.pdf]


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def person():
    return UserFactory(role="candidate", first_name="Camille", last_name="Lefèvre", email="c.lefevre@example.org")


def dossier_with(person, *, blind=True, **documents) -> Dossier:
    """A filled draft of a (blind) call whose documents ``documents`` (kind → PDF bytes) replace the blank ones."""
    dossier = fill(DossierFactory(call=CallFactory(blind_evaluation=blind), candidate=person))
    for kind, content in documents.items():
        dossier.files.filter(kind=kind).delete()
        add_file(dossier, kind, content, name=f"{kind}-mon-nom.pdf")
    return dossier


def review(client_for, dossier):
    return client_for(dossier.candidate).get(reverse("applications:review", args=[dossier.pk]))


# --- What counts as naming the candidate ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Camille Lefèvre",
        "CAMILLE LEFEVRE",
        "LEFÈVRE Camille",
        "lefevre,   camille",
        "Contact : c.lefevre@example.org",
        "C.LEFEVRE@EXAMPLE.ORG",
    ],
)
def test_the_name_or_email_is_found_whatever_the_case_accents_or_order(person, text):
    dossier = dossier_with(person, cv=document("cv", 2, extra=text))
    assert [f.kind for f in anonymity.naming_documents(dossier)] == ["cv"]


@pytest.mark.parametrize(
    "text",
    ["Camille", "Lefèvre", "Camille Lefèvrerie", "Camille Martin, Anne Lefèvre", "xc.lefevre@example.org.uk", ""],
)
def test_a_first_name_a_last_name_or_a_longer_word_alone_is_not_the_candidate(person, text):
    dossier = dossier_with(person, cv=document("cv", 2, extra=text))
    assert anonymity.naming_documents(dossier) == []


def test_the_dossiers_own_name_and_email_count_too(person):
    dossier = dossier_with(person, project=document("project", 3, extra="Dominique Martin dm@exemple.fr"))
    Dossier.objects.filter(pk=dossier.pk).update(first_name="Dominique", last_name="Martin", email="dm@exemple.fr")
    dossier.refresh_from_db()
    assert [f.kind for f in anonymity.naming_documents(dossier)] == ["project"]


def test_a_call_without_blind_evaluation_gives_no_warning(person):
    dossier = dossier_with(person, blind=False, cv=document("cv", 1, extra="Camille Lefèvre"))
    assert anonymity.naming_documents(dossier) == []


def test_an_unreadable_file_gives_no_warning_and_no_error(person):
    dossier = dossier_with(person)
    cv = dossier.files.get(kind="cv")
    cv.file.save("broken.pdf", ContentFile(b"%PDF-1.4 not really"), save=True)
    assert anonymity.naming_documents(dossier) == []


# --- The review page and the submission ----------------------------------------------------------------


def test_the_review_page_names_the_documents_concerned(person, client_for):
    dossier = dossier_with(
        person,
        cv=document("cv", 2, extra="LEFÈVRE Camille, née en 1999"),
        cover_letter=document("cover_letter", 2, extra="Madame, Monsieur, je vous écris."),
        project=document("project", 20, extra="Page de garde — c.lefevre@example.org"),
    )
    response = review(client_for, dossier)
    assert response.status_code == 200
    assert [f.kind for f in response.context["naming_documents"]] == ["cv", "project"]
    html = response.content.decode()
    assert 'id="blind-warning"' in html
    assert "Curriculum vitæ (cv-mon-nom.pdf)" in html
    assert "Projet de thèse (un seul PDF) (project-mon-nom.pdf)" in html
    assert "Lettre de motivation (cover_letter" not in html
    assert reverse("applications:step", args=[dossier.pk, "documents"]) in html
    assert response.context["can_submit"] is True  # a warning, not a refusal


def test_no_warning_when_no_document_names_the_candidate(person, client_for):
    dossier = dossier_with(person, cv=document("cv", 2, extra="Curriculum anonymisé"))
    response = review(client_for, dossier)
    assert response.context["naming_documents"] == []
    assert 'id="blind-warning"' not in response.content.decode()


def test_no_warning_on_the_review_page_of_a_call_that_is_not_blind(person, client_for):
    dossier = dossier_with(person, blind=False, cv=document("cv", 2, extra="Camille Lefèvre"))
    assert 'id="blind-warning"' not in review(client_for, dossier).content.decode()


def test_submitting_anyway_works_and_the_confirmation_warns_again(person, client_for):
    dossier = dossier_with(person, cv=document("cv", 2, extra="Camille Lefèvre"))
    client = client_for(person)
    response = client.post(reverse("applications:submit", args=[dossier.pk]))
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.SUBMITTED
    page = client.get(response["Location"])
    shown = [(m.level_tag, str(m)) for m in page.context["messages"]]
    assert shown[0][0] == "success"
    assert shown[1] == (
        "warning",
        "L'évaluation de cet appel est anonyme, mais ces documents contiennent votre nom ou votre adresse e-mail : "
        "Curriculum vitæ. Si vous souhaitez en transmettre une version anonymisée, écrivez à l'équipe du programme.",
    )


def test_a_clean_submission_has_no_warning(person, client_for):
    dossier = dossier_with(person)
    client = client_for(person)
    response = client.post(reverse("applications:submit", args=[dossier.pk]))
    page = client.get(response["Location"])
    assert [m.level_tag for m in page.context["messages"]] == ["success"]


# --- The cache (its speed is measured by bench/bench_blind_warning.py, not here) -------------------------


def test_a_document_is_read_once_then_from_the_cache(person):
    dossier = dossier_with(person, project=document("project", 20, extra="Texte anonyme."))
    stored = dossier.files.get(kind="project")
    identity = anonymity.identity_of(dossier)
    assert anonymity.names_candidate(stored, identity) is False
    with mock.patch.object(DossierFile.file.field.storage, "open", side_effect=AssertionError("read again")):
        assert anonymity.names_candidate(stored, identity) is False
    # The cache is per file content: the same PDF in another dossier is not read again either.
    other = dossier_with(UserFactory(role="candidate", first_name="Texte", last_name="Anonyme"))
    other.files.filter(kind="project").delete()
    twin = add_file(other, "project", stored.file.open("rb").read())
    assert twin.sha256 == stored.sha256
    with mock.patch.object(DossierFile.file.field.storage, "open", side_effect=AssertionError("read again")):
        assert anonymity.names_candidate(twin, anonymity.identity_of(other)) is True


def test_the_sentences_punctuation_does_not_hide_a_name(person):
    dossier = dossier_with(person, cv=document("cv", 1, extra="Je suis Camille Lefèvre."))
    assert [f.kind for f in anonymity.naming_documents(dossier)] == ["cv"]
