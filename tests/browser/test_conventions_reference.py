"""Staff keep the reference data in the browser: a bad SIRET is announced on its field, nothing is saved,
the corrected form saves; the pages have no axe violation."""

import pytest

from conventions.models import Employer

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_create_an_employer_after_a_refused_siret(page, live_server, login_page, staff, assert_accessible):
    login_page(page, staff)
    page.goto(f"{live_server.url}/conventions/referentiels/")
    assert_accessible(page)
    page.goto(f"{live_server.url}/conventions/referentiels/employeurs/nouveau/")
    assert_accessible(page)

    page.get_by_label("Nom").fill("Ville de Paris")
    page.get_by_label("SIRET").fill("217 500 016 00018")
    page.get_by_label("Adresse").fill("Hôtel de Ville, 75004 Paris")
    page.locator("main button[type=submit]").click()
    siret = page.get_by_label("SIRET")
    assert siret.get_attribute("aria-invalid") == "true"
    assert siret.input_value() == "217 500 016 00018"  # what was typed comes back
    assert "Ce SIRET n'est pas valide (clé de contrôle incorrecte)." in page.locator("main").inner_text()
    assert Employer.objects.count() == 0
    assert_accessible(page)

    siret.fill("217 500 016 00019")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/conventions/referentiels/employeurs/")
    assert list(Employer.objects.values_list("name", "siret")) == [("Ville de Paris", "21750001600019")]
    assert "Ville de Paris" in page.locator("main table").inner_text()
    assert_accessible(page)

    page.goto(f"{live_server.url}/conventions/documents/a-confirmer/")
    assert_accessible(page)
