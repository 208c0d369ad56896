"""A candidate applies in the browser: signs in before starting, fills every step with the autosave
only (no save button), closes the browser and finds everything in a new one, uploads the six PDFs,
sees a failing eligibility check and fixes it, submits, and gets the number and the receipt. axe-core
on every page, with the autosave's status region announced (role="status", aria-live="polite")."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from applications.models import Dossier, Rendition
from tests.applications.factories import CallFactory, DossierFactory
from tests.conventions.factories import DoctoralSchoolFactory
from tests.conventions.pdfs import pdf_bytes
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = "/tmp/issue10/shots"
PASSWORD = "correct-horse-battery-9"
KINDS = ("cv", "diploma", "transcripts", "cover_letter", "support_letter", "project")


def sign_in(page, base, user, next_path):
    page.goto(f"{base}{next_path}")
    page.wait_for_url(re.compile(r"/compte/login/\?next="))
    page.fill("#id_login", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("form.allauth-form button[type=submit]")
    page.wait_for_url(f"{base}{next_path}")


def saved(page):
    """Wait until the autosave has nothing pending and says so in its status region."""
    expect(page.locator("#step-form")).to_have_attribute("data-autosave-state", "saved", timeout=15_000)
    status = page.locator("#autosave-status")
    expect(status).to_have_text(re.compile(r"^Enregistré à \d\d:\d\d$"))
    assert (status.get_attribute("role"), status.get_attribute("aria-live")) == ("status", "polite")


def go_to_step(page, label):
    page.locator(".step-progress").get_by_role("link", name=re.compile(label)).click()
    page.wait_for_load_state("domcontentloaded")


def test_a_candidate_applies_with_the_autosave_and_gets_the_receipt(
    page, browser, live_server, assert_accessible, settings
):
    os.makedirs(SHOTS, exist_ok=True)
    call = CallFactory()
    theme = call.themes.get()
    DoctoralSchoolFactory(number=434, name="Géographie de Paris")
    user = UserFactory(role="candidate", email="camille.candidate@example.org", first_name="Camille", last_name="Roy")
    base = live_server.url

    # Signed in first: the start page sends to the login page and back.
    start = f"/candidatures/commencer/{call.pk}/"
    sign_in(page, base, user, start)
    assert_accessible(page)
    page.get_by_role("button", name="Commencer mon dossier").click()
    dossier = Dossier.objects.get(candidate=user)
    page.wait_for_url(f"{base}/candidatures/{dossier.pk}/etapes/candidate/")

    # 1. The candidate (prefilled from the account).
    assert page.get_by_label("Prénom").input_value() == "Camille"
    assert_accessible(page)
    page.get_by_label("Téléphone").fill("01 42 76 40 40")
    page.get_by_label("Adresse postale").fill("5 rue Lobau, 75004 Paris")
    page.locator("#div_id_needs_work_permit").get_by_label("Non").check()
    saved(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=f"{SHOTS}/step-candidate-390.png")
    page.screenshot(path=f"{SHOTS}/step-candidate-390-full.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=f"{SHOTS}/step-candidate-1280.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") == 1280  # nothing sticks out sideways

    # 2. The degree: too old a master's first; the pre-check says so as soon as it is saved.
    go_to_step(page, "Diplôme")
    assert_accessible(page)
    too_old = call.planned_filing_date - dt.timedelta(days=365 * 4)
    page.get_by_label("Intitulé du master ou diplôme équivalent").fill("Master Géographie et aménagement")
    page.get_by_label("Établissement").fill("Université Paris 1 Panthéon-Sorbonne")
    page.get_by_label("Obtenu", exact=True).check()
    page.get_by_label("Date d'obtention (ou date prévue)").fill(too_old.isoformat())
    page.locator("#div_id_holds_doctorate").get_by_label("Non").check()
    saved(page)
    failing = page.locator("#precheck-panel .precheck-failing")
    expect(failing).to_have_count(1)
    expect(failing).to_contain_text("Master obtenu depuis moins de trois ans au dépôt à l'ANRT")
    expect(failing).to_contain_text("Le master doit dater de moins de trois ans à la date de dépôt à l'ANRT.")
    assert_accessible(page)
    # A degree already held cannot be dated in the future: the message comes next to the field.
    page.get_by_label("Date d'obtention (ou date prévue)").fill((dt.date.today() + dt.timedelta(days=20)).isoformat())
    error = page.locator("#id_degree_date_error")
    expect(error).to_have_text(
        "Un diplôme déjà obtenu ne peut pas avoir une date future : choisissez « En cours » ou corrigez."
    )
    assert page.get_by_label("Date d'obtention (ou date prévue)").get_attribute("aria-invalid") == "true"
    assert_accessible(page)
    # Fixed: the message and the failing check go away.
    page.get_by_label("Date d'obtention (ou date prévue)").fill(
        (call.planned_filing_date - dt.timedelta(days=300)).isoformat()
    )
    saved(page)
    expect(error).to_have_count(0)
    expect(page.locator("#precheck-panel .precheck-failing")).to_have_count(0)

    # 3. Doctoral enrolment.
    go_to_step(page, "Inscription en doctorat")
    assert_accessible(page)
    page.locator("#div_id_already_enrolled").get_by_label("Non").check()
    page.locator("#div_id_other_thesis_started").get_by_label("Non").check()
    saved(page)

    # 4. Work for the City: one period, in the row the page offers.
    go_to_step(page, "Travail pour la Ville")
    assert_accessible(page)
    page.locator("#div_id_worked_for_city").get_by_label("Oui").check()
    saved(page)
    page.locator("#id_periods-0-start").fill("2023-01-02")
    page.locator("#id_periods-0-end").fill("2023-03-31")
    page.locator("#id_periods-0-description").fill("Vacataire à la DEVE")
    page.locator("#id_periods-0-description").blur()
    saved(page)
    assert_accessible(page)

    # 5. The thesis project, with a character counter on each limited text.
    go_to_step(page, "Projet de thèse")
    assert_accessible(page)
    page.get_by_label(str(theme)).check()
    page.get_by_label("Titre du projet de thèse").fill("Les arbres d'alignement face aux vagues de chaleur")
    page.get_by_label("Résumé").fill("Une thèse sur l'ombre des arbres.")
    expect(page.locator("#id_summary_counter")).to_have_text("33 caractères sur 1\u202f500")
    page.get_by_label("Description de la recherche").fill("Mesures, modèles et entretiens.")
    page.get_by_label("Méthodes").fill("Capteurs et enquêtes.")
    page.get_by_label("Calendrier").fill("Année 1 : mesures ; année 2 : modèles ; année 3 : rédaction.")
    page.get_by_label("Mots-clés").fill("arbres, chaleur, santé")
    page.get_by_label("Discipline").fill("Géographie")
    saved(page)
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("#id_summary").scroll_into_view_if_needed()
    page.screenshot(path=f"{SHOTS}/step-project-390.png")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=f"{SHOTS}/step-project-1280.png")

    # 6. The lab and the thesis director.
    go_to_step(page, "Laboratoire et direction")
    assert_accessible(page)
    page.get_by_label("Nom du laboratoire").fill("Géographie-cités")
    page.get_by_label("Code d'unité").fill("UMR 8504")
    page.get_by_label("Établissement de tutelle").fill("Université Paris 1 Panthéon-Sorbonne")
    page.get_by_label("École doctorale du laboratoire").select_option(label="ED 434 – Géographie de Paris")
    page.locator("#div_id_lab_abroad").get_by_label("Non").check()
    page.get_by_label("Nom du ou de la directeur·rice de thèse").fill("Pr Dominique Durand")
    page.get_by_label("E-mail du ou de la directeur·rice de thèse").fill("d.durand@univ-paris1.fr")
    page.get_by_label("Laboratoire du ou de la directeur·rice").fill("Géographie-cités")
    saved(page)

    # The browser is closed; a new one, signed in again, finds everything on the server.
    page.context.close()
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, base, user, "/candidatures/")
    page.get_by_role("link", name=re.compile("Continuer mon dossier")).click()
    page.get_by_role("link", name=re.compile("Continuer mon dossier")).click()
    page.wait_for_url(f"{base}/candidatures/{dossier.pk}/etapes/documents/")
    for step_key, field, value in [
        ("candidate", "#id_phone", "01 42 76 40 40"),
        ("degree", "#id_degree_institution", "Université Paris 1 Panthéon-Sorbonne"),
        ("work", "#id_periods-0-description", "Vacataire à la DEVE"),
        ("project", "#id_summary", "Une thèse sur l'ombre des arbres."),
        ("lab", "#id_director_email", "d.durand@univ-paris1.fr"),
    ]:
        page.goto(f"{base}/candidatures/{dossier.pk}/etapes/{step_key}/")
        assert page.locator(field).input_value() == value
    expect(page.locator(".step-progress .is-complete")).to_have_count(6)

    # 7. The documents: one PDF each; a refused one is refused alone, next to its field.
    page.goto(f"{base}/candidatures/{dossier.pk}/etapes/documents/")
    assert_accessible(page)
    section = page.locator("#piece-cv")
    section.locator("input[type=file]").set_input_files(
        {"name": "cv.pdf", "mimeType": "application/pdf", "buffer": b"PK\x03\x04 not a pdf"}
    )
    section.get_by_role("button", name="Déposer le fichier").click()
    expect(page.locator("#id_cv-file_error")).to_have_text(
        "Ce fichier n'est pas un PDF (son contenu ne correspond pas)."
    )
    assert_accessible(page)
    for kind in KINDS:
        section = page.locator(f"#piece-{kind}")
        section.locator("input[type=file]").set_input_files(
            {"name": f"{kind}.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
        )
        section.get_by_role("button", name=re.compile("Déposer le fichier|Remplacer le fichier")).click()
        page.wait_for_url(re.compile(rf"/etapes/documents/#piece-{kind}$"))
        expect(page.locator(f"#piece-{kind}")).to_contain_text(f"Déposé : {kind}.pdf")
    expect(page.locator(".step-progress .is-complete")).to_have_count(7)
    assert_accessible(page)

    # 8. The review, then the submission.
    page.get_by_role("link", name=re.compile("Récapitulatif et dépôt")).last.click()
    page.wait_for_url(f"{base}/candidatures/{dossier.pk}/recapitulatif/")
    assert_accessible(page)
    expect(page.locator("#precheck-panel .precheck-failing")).to_have_count(0)
    page.get_by_role("button", name="Déposer mon dossier").click()
    page.wait_for_url(f"{base}/candidatures/{dossier.pk}/")
    dossier.refresh_from_db()
    assert (dossier.status, dossier.number) == ("submitted", f"{call.year}-0001")
    expect(page.locator("#dossier-number")).to_have_text(dossier.number)
    expect(page.locator(".messages")).to_contain_text(f"Votre dossier est déposé sous le numéro {dossier.number}.")
    assert_accessible(page)
    assert Rendition.objects.filter(dossier=dossier, kind="receipt", version=1).exists()
    with page.expect_download() as download:
        page.get_by_role("link", name="Accusé de réception (version 1)").click()
    receipt = download.value
    assert receipt.suggested_filename == f"accuse-de-reception_{dossier.number}_v1.pdf"
    assert Path(receipt.path()).read_bytes()[:5] == b"%PDF-"
    context.close()


def test_a_lost_connection_is_said_and_retried_and_a_stale_tab_stops_saving(
    page, live_server, login_page, assert_accessible
):
    dossier = DossierFactory()
    base = live_server.url
    login_page(page, dossier.candidate)
    url = f"{base}/candidatures/{dossier.pk}/etapes/project/"
    page.goto(url)

    # The connection drops: the candidate is told, and the save is tried again until it passes.
    page.context.set_offline(True)
    page.get_by_label("Résumé").fill("Typed while offline")
    status = page.locator("#autosave-status")
    expect(status).to_have_text(
        "Connexion perdue : vos dernières saisies ne sont pas encore enregistrées, nouvel essai…", timeout=10_000
    )
    assert_accessible(page)
    page.context.set_offline(False)
    saved(page)
    dossier.refresh_from_db()
    assert (dossier.summary, dossier.step_versions) == ("Typed while offline", {"project": 1})

    # A second tab saves the same step: the first one is warned and stops saving over it.
    other = page.context.new_page()
    other.goto(url)
    other.get_by_label("Méthodes").fill("Saved in the second tab")
    saved(other)
    page.get_by_label("Méthodes").fill("Typed in the stale tab")
    expect(status).to_contain_text(
        "Cette étape a été modifiée depuis un autre onglet ou appareil : l’enregistrement automatique est arrêté"
    )
    expect(page.locator("#step-form")).to_have_attribute("data-autosave-state", "stopped")
    expect(status.get_by_role("link", name="Recharger la page")).to_have_attribute(
        "href", f"/candidatures/{dossier.pk}/etapes/project/"
    )
    dossier.refresh_from_db()
    assert dossier.methods == "Saved in the second tab"
    # Its save button says the same and offers to overwrite on purpose.
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator("#stale-warning")).to_be_visible()
    assert page.get_by_label("Méthodes").input_value() == "Typed in the stale tab"
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer mes saisies quand même").click()
    page.wait_for_url(url)
    dossier.refresh_from_db()
    assert dossier.methods == "Typed in the stale tab"
