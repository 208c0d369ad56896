import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat

from conventions.uploads import validate_pdf
from tests.conventions.pdfs import pdf_bytes, pdf_upload


def codes(upload) -> list[str]:
    with pytest.raises(ValidationError) as info:
        validate_pdf(upload)
    return [e.code for e in info.value.error_list]


def test_a_real_pdf_passes():
    assert validate_pdf(pdf_upload()) is None


def test_wrong_extension_is_refused():
    assert codes(SimpleUploadedFile("rapport.docx", pdf_bytes())) == ["pdf_extension"]


def test_content_that_is_not_a_pdf_is_refused():
    assert codes(SimpleUploadedFile("faux.pdf", b"MZ\x90\x00 not a pdf at all")) == ["pdf_content"]


def test_broken_pdf_is_refused():
    assert codes(SimpleUploadedFile("casse.pdf", b"%PDF-1.7\n1 0 obj<<>>garbage")) == ["pdf_broken"]


def test_encrypted_pdf_is_refused():
    assert codes(pdf_upload(encrypted=True)) == ["pdf_encrypted"]


def test_empty_file_is_refused():
    assert codes(SimpleUploadedFile("vide.pdf", b"")) == ["pdf_empty"]


def test_size_is_capped(settings):
    settings.MAX_UPLOAD_SIZE = 100
    upload = pdf_upload()
    with pytest.raises(ValidationError) as info:
        validate_pdf(upload)
    assert info.value.error_list[0].code == "pdf_too_large"
    size = filesizeformat(upload.size)
    assert info.value.messages == [f"Le fichier pèse {size} : la taille maximale est 100\xa0octets."]
