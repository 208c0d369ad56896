"""The documents step: one form per document, each PDF checked by its content; a refused file is
refused alone (its message next to its field, the others untouched); replace, delete, download."""

from __future__ import annotations

import datetime as dt
import hashlib
import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import DossierFile
from tests.applications.candidate_pages import step_url
from tests.applications.factories import DossierFactory
from tests.conventions.pdfs import pdf_bytes
from tests.factories import sign_in

pytestmark = pytest.mark.django_db
NAME_REFUSED = (
    "Le nom du fichier contient des caractères non autorisés (/, \\, .. ou caractères de contrôle) : "
    "renommez-le avant de le déposer."
)
NOT_A_PDF = "Ce fichier n'est pas un PDF (son contenu ne correspond pas)."


@pytest.fixture
def dossier(candidate):
    return DossierFactory(candidate=candidate)


@pytest.fixture
def signed_in(dossier):
    from django.test import Client

    client = Client()
    sign_in(client, dossier.candidate)
    return client


def upload_url(dossier, kind):
    return reverse("applications:upload", args=[dossier.pk, kind])


def post_file(client, dossier, kind, content: bytes, name="document.pdf"):
    return client.post(upload_url(dossier, kind), {f"{kind}-file": SimpleUploadedFile(name, content)})


def raw_post_file(client, url, field, filename, content: bytes):
    """A multipart request written by hand, so the file name reaches the server as typed."""
    boundary = "----boundary7MA4YWxkTrZu0gW"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return client.generic("POST", url, body, content_type=f"multipart/form-data; boundary={boundary}")


def files_of(dossier):
    return sorted(dossier.files.values_list("kind", "original_name", "is_current"))


def test_a_pdf_is_stored_with_its_hash_and_pages_under_a_generated_name(dossier, signed_in, settings):
    content = pdf_bytes()
    response = post_file(signed_in, dossier, "cv", content, name="Mon CV.pdf")
    assert (response.status_code, response["Location"]) == (302, step_url(dossier, "documents") + "#piece-cv")
    stored = dossier.files.get()
    assert (stored.kind, stored.original_name, stored.size, stored.pages, stored.sha256) == (
        "cv",
        "Mon CV.pdf",
        len(content),
        1,
        hashlib.sha256(content).hexdigest(),
    )
    assert stored.file.name.startswith(f"applications/{dossier.uuid.hex}/")
    assert stored.file.read() == content
    page = signed_in.get(response["Location"])
    assert [str(m) for m in page.context["messages"]] == ["« Mon CV.pdf » est déposé (Curriculum vitæ)."]
    assert page.context["progress"][6]["missing"] == [
        "Diplôme ou attestation de réussite",
        "Relevés de notes",
        "Lettre de motivation",
        "Lettre de soutien du ou de la directeur·rice de thèse",
        "Projet de thèse (un seul PDF)",
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cv.pdf", b"PK\x03\x04 a zip file renamed", NOT_A_PDF),
        ("cv.pdf", b"<html>%PDF-1.4 in disguise</html>", NOT_A_PDF),
        ("cv.pdf", None, "Ce PDF est protégé par un mot de passe : déposez une version non chiffrée."),
        ("cv.pdf", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", "Ce PDF est illisible ou endommagé."),
        ("cv.docx", pdf_bytes(), "Le fichier doit être un PDF (extension .pdf)."),
        ("cv.pdf", b"", "Le fichier est vide."),
    ],
)
def test_a_refused_file_is_refused_alone_next_to_its_field(name, content, message, dossier, signed_in):
    services.upload_file(dossier.pk, "diploma", SimpleUploadedFile("diplome.pdf", pdf_bytes()), dossier.candidate)
    content = pdf_bytes(encrypted=True) if content is None else content
    response = post_file(signed_in, dossier, "cv", content, name=name)
    assert response.status_code == 400
    forms = {doc["kind"]: doc["form"] for doc in response.context["documents"]}
    assert forms["cv"].errors == {"file": [message]}
    assert {kind: form.errors for kind, form in forms.items() if kind != "cv"} == dict.fromkeys(
        ["diploma", "transcripts", "cover_letter", "support_letter", "project"], {}
    )
    html = response.content.decode()
    assert 'id="id_cv-file_error"' in html and 'aria-describedby="id_cv-file_helptext id_cv-file_error"' in html
    assert files_of(dossier) == [("diploma", "diplome.pdf", True)]


def test_a_file_over_the_limit_is_refused(dossier, signed_in, settings):
    settings.MAX_UPLOAD_SIZE = 200
    content = pdf_bytes()
    response = post_file(signed_in, dossier, "project", content)
    forms = {doc["kind"]: doc["form"] for doc in response.context["documents"]}
    assert (response.status_code, forms["project"].errors["file"]) == (
        400,
        [f"Le fichier pèse {filesizeformat(len(content))} : la taille maximale est 200\xa0octets."],
    )
    assert files_of(dossier) == []


def test_no_file_chosen_says_so(dossier, signed_in):
    response = signed_in.post(upload_url(dossier, "cv"), {})
    forms = {doc["kind"]: doc["form"] for doc in response.context["documents"]}
    assert (response.status_code, forms["cv"].errors) == (400, {"file": ["Choisissez un fichier PDF à déposer."]})


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("../../etc/cv.pdf", "cv.pdf"), ("..\\..\\cv.pdf", "cv.pdf"), ("c\x07v\u202efdp.pdf", "cvfdp.pdf")],
)
def test_a_path_or_control_characters_in_the_name_never_reach_the_disk(typed, kept, dossier, signed_in, settings):
    # Django's parser keeps only the last part of a path and drops unprintable characters before
    # any code of ours runs: the name kept is harmless, and the file is stored under a generated name.
    response = raw_post_file(signed_in, upload_url(dossier, "cv"), "cv-file", typed, pdf_bytes())
    assert response.status_code == 302
    stored = dossier.files.get()
    assert stored.original_name == kept
    assert stored.file.name.startswith(f"applications/{dossier.uuid.hex}/") and ".." not in stored.file.name
    download = signed_in.get(reverse("applications:file_download", args=[dossier.pk, stored.pk]))
    stem = kept[:-4]
    assert download["Content-Disposition"] == f'attachment; filename="brouillon-{dossier.pk}_cv_{stem}.pdf"'


@pytest.mark.parametrize(
    "name", ["../cv.pdf", "..\\cv.pdf", "cv\x00.pdf", "c\x1bv.pdf", "cv\u202efdp.pdf", "...", "..cv.pdf"]
)
def test_the_service_refuses_a_path_or_control_characters_in_the_name(name, dossier):
    with pytest.raises(services.ValidationError) as refused:
        services.upload_file(dossier.pk, "cv", ContentFile(pdf_bytes(), name=name), dossier.candidate)
    assert refused.value.messages == [NAME_REFUSED]
    assert files_of(dossier) == []


def test_two_dots_inside_a_name_are_fine(dossier):
    stored = services.upload_file(
        dossier.pk, "cover_letter", ContentFile(pdf_bytes(), name="Lettre...finale.pdf"), dossier.candidate
    )
    assert stored.original_name == "Lettre...finale.pdf"


def test_replacing_a_draft_document_removes_the_old_file(dossier, signed_in, django_capture_on_commit_callbacks):
    first = services.upload_file(dossier.pk, "cv", SimpleUploadedFile("v1.pdf", pdf_bytes()), dossier.candidate)
    old_path = first.file.path
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(signed_in, dossier, "cv", pdf_bytes(), name="v2.pdf")
    assert response.status_code == 302
    assert files_of(dossier) == [("cv", "v2.pdf", True)]
    assert os.path.exists(old_path) is False


def test_deleting_a_document(dossier, signed_in, django_capture_on_commit_callbacks):
    stored = services.upload_file(dossier.pk, "cv", SimpleUploadedFile("cv.pdf", pdf_bytes()), dossier.candidate)
    path = stored.file.path
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(reverse("applications:file_delete", args=[dossier.pk, stored.pk]))
    assert (response.status_code, response["Location"]) == (302, step_url(dossier, "documents"))
    assert (files_of(dossier), os.path.exists(path)) == ([], False)


def test_a_file_is_downloaded_as_an_attachment_with_a_safe_name_and_no_cache(dossier, signed_in):
    content = pdf_bytes()
    stored = services.upload_file(
        dossier.pk, "cv", SimpleUploadedFile('Mon CV (été) "final".pdf', content), dossier.candidate
    )
    response = signed_in.get(reverse("applications:file_download", args=[dossier.pk, stored.pk]))
    assert (response.status_code, response["Content-Type"], response["Cache-Control"]) == (
        200,
        "application/pdf",
        "private, no-store",
    )
    assert response["Content-Disposition"] == f'attachment; filename="brouillon-{dossier.pk}_cv_mon-cv-ete-final.pdf"'
    assert b"".join(response.streaming_content) == content


def test_a_submitted_dossier_takes_no_file(candidate, client_for):
    dossier = DossierFactory(candidate=candidate, submitted=True)
    before = files_of(dossier)
    response = post_file(client_for(candidate), dossier, "cv", pdf_bytes())
    forms = {doc["kind"]: doc["form"] for doc in response.context["documents"]}
    assert (response.status_code, forms["cv"].errors) == (
        400,
        {"file": ["Ce dossier a été déposé : il ne peut plus être modifié."]},
    )
    assert files_of(dossier) == before
    stored = dossier.files.get(kind="cv")
    response = client_for(candidate).post(reverse("applications:file_delete", args=[dossier.pk, stored.pk]))
    assert response.status_code == 302
    assert files_of(dossier) == before


def test_a_request_for_a_document_takes_that_one_and_keeps_the_submitted_version(candidate, client_for, staff):
    dossier = DossierFactory(candidate=candidate, submitted=True)
    services.request_missing_items(
        dossier.pk, staff, ["doc:cv"], "Votre CV est illisible.", timezone.now() + dt.timedelta(days=7)
    )
    client = client_for(candidate)
    assert post_file(client, dossier, "cv", pdf_bytes(), name="cv-lisible.pdf").status_code == 302
    response = post_file(client, dossier, "diploma", pdf_bytes(), name="autre.pdf")
    forms = {doc["kind"]: doc["form"] for doc in response.context["documents"]}
    assert forms["diploma"].errors == {"file": ["Seuls les éléments demandés par l'équipe peuvent être modifiés."]}
    assert list(dossier.files.filter(kind="cv").values_list("original_name", "is_current")) == [
        ("cv-lisible.pdf", True),
        ("cv.pdf", False),
    ]
    diplomas = DossierFile.objects.filter(dossier=dossier, kind="diploma")
    assert list(diplomas.values_list("original_name", flat=True)) == ["diploma.pdf"]
