"""Every kind of public page in a real browser, checked by axe-core (WCAG 2.1 A and AA)."""

import pytest

from tests.events.factories import EventFactory, NewsItemFactory, PageFactory, PersonFactory, RegistrationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_every_kind_of_public_page_is_accessible(page, live_server, assert_accessible):
    from events.legal_content import pages

    for data in pages(24):  # transactional tests flush the data migration's pages
        PageFactory(**data)
    PageFactory(slug="programme", title_fr="Le programme", body_fr="## Le dispositif\n\nTexte **important**.")
    news = NewsItemFactory(title_fr="Appel 2027", body_fr="Texte de l'actualité.")
    event = EventFactory(title_fr="Séminaire", description_fr="Une *description*.", capacity=1)
    RegistrationFactory(event=event)
    EventFactory(title_fr="Passé", past=True)
    EventFactory(title_fr="Sans date", undated=True)
    person = PersonFactory(first_name="Léa", last_name="Martin", theses_fr_url="https://theses.fr/x", lab="LIED")
    urls = [
        "/", "/en/", "/programme/", "/pages/accessibilite/", "/pages/mentions-legales/",
        "/en/pages/donnees-personnelles/", "/actualites/", news.get_absolute_url(), "/evenements/",
        "/evenements/?periode=passes&type=seminar", event.get_absolute_url(), "/en" + event.get_absolute_url(),
        "/personnes/", "/personnes/?role=alumnus&annee=2020", person.get_absolute_url(),
    ]  # fmt: skip
    for url in urls:
        page.goto(live_server.url + url)
        assert page.locator("h1").count() == 1, url
        assert_accessible(page)
    # A form sent with errors: messages next to the fields, still accessible.
    page.goto(live_server.url + event.get_absolute_url())
    page.fill("#id_name", "Alice")
    page.fill("#id_email", "pas-une-adresse")
    page.click("section.registration button[type=submit]")
    assert page.locator("#id_email-error").inner_text() == (
        "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr."
    )
    assert page.locator("#id_name").input_value() == "Alice"
    assert_accessible(page)
    # A forged cancel link.
    page.goto(live_server.url + "/evenements/desinscription/faux-lien/")
    assert page.locator(".alert-danger").inner_text().startswith("Ce lien d'annulation n'est pas valide.")
    assert_accessible(page)


def test_admin_live_markdown_preview(page, live_server, login_page, admin_user):
    target = PageFactory(slug="essai", title_fr="Essai", body_fr="Texte **initial**")
    login_page(page, admin_user)
    page.goto(f"{live_server.url}/admin/events/page/{target.pk}/change/")
    preview = page.locator("textarea[name=body_fr] ~ .events-live-preview")
    preview.locator("strong").wait_for()
    assert preview.locator("strong").inner_text() == "initial"
    page.fill("textarea[name=body_fr]", "## Titre\n\n<script>alert(1)</script>*souligné*")
    preview.locator("em").wait_for()
    assert preview.locator("h2").inner_text() == "Titre"
    assert preview.locator("script").count() == 0
