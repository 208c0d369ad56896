"""An evaluator in the browser: declares no conflict, scores with the autosave only (a score out of its
scale is refused next to the field, the weighted total appears once every criterion is scored), finds
the draft after a reload, submits; axe-core on every page of a blind call, which never names the candidate."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from applications.evaluation import services
from applications.evaluation.models import Evaluation
from tests.applications.evaluator_world import make_world
from tests.applications.identity import assert_no_identity

pytestmark = pytest.mark.django_db(transaction=True)


def saved(page):
    expect(page.locator("#evaluation-form")).to_have_attribute("data-autosave-state", "saved", timeout=15_000)
    expect(page.locator("#autosave-status")).to_have_text(re.compile(r"^Brouillon enregistré à \d\d:\d\d"))


def test_an_evaluator_declares_scores_with_autosave_and_submits(page, live_server, login_page, assert_accessible):
    world = make_world()
    assignment = world["assigned"]
    dossier = assignment.dossier
    first, second = services.criteria_of(world["call"])
    base = live_server.url
    login_page(page, world["evaluator"])

    page.goto(f"{base}/candidatures/evaluation/profil/")
    assert_accessible(page)
    page.get_by_label("Nombre de dossiers acceptés pour un appel").fill("201")
    page.get_by_role("button", name="Enregistrer mon profil").click()
    expect(page.locator("#div_id_capacity")).to_contain_text("Indiquez un nombre de dossiers entre 0 et 200.")
    assert_accessible(page)

    page.goto(f"{base}/candidatures/evaluation/")
    assert_accessible(page)
    assert_no_identity(page.content(), dossier)
    page.get_by_role("link", name=re.compile(f"Déclarer.*{dossier.number}")).click()
    page.wait_for_load_state("domcontentloaded")
    assert_accessible(page)
    assert_no_identity(page.content(), dossier)
    page.get_by_label("Je n'ai aucun conflit d'intérêts avec ce dossier").check()
    page.get_by_label("Je signe la déclaration ci-dessus (aucun conflit d'intérêts)").check()
    page.get_by_role("button", name="Enregistrer ma déclaration").click()
    page.wait_for_url(f"{base}/candidatures/evaluation/{assignment.pk}/")
    expect(page.locator("h1")).to_have_text(f"Dossier {dossier.number} : évaluation")
    assert_accessible(page)
    assert_no_identity(page.content(), dossier)

    score_a = page.locator(f"#id_score-{first.pk}")
    score_b = page.locator(f"#id_score-{second.pk}")
    score_a.fill("4")
    saved(page)
    score_b.fill("9")
    expect(page.locator(f"#id_score-{second.pk}_error")).to_contain_text("La note doit être comprise entre 0 et 5.")
    expect(score_b).to_have_attribute("aria-invalid", "true")
    score_b.fill("3")
    saved(page)
    expect(page.locator(f"#id_score-{second.pk}_error")).to_have_count(0)
    expect(page.locator("#weighted-total")).to_have_text("14,67")
    page.locator(f"#id_comment-{first.pk}").fill("Un projet solide.")
    page.locator("#id_overall_comment").fill("À financer.")
    page.get_by_label("Financer", exact=True).check()
    saved(page)
    assert_accessible(page)

    page.reload()
    expect(score_a).to_have_value("4")
    expect(page.locator(f"#id_comment-{first.pk}")).to_have_value("Un projet solide.")
    page.get_by_role("button", name="Transmettre l'évaluation").click()
    page.wait_for_url(f"{base}/candidatures/evaluation/{assignment.pk}/")
    expect(page.locator("#total")).to_have_text("14,67")
    assert_accessible(page)
    evaluation = Evaluation.objects.get(assignment=assignment)
    assert (evaluation.status, str(evaluation.total), evaluation.recommendation) == ("submitted", "14.67", "fund")
