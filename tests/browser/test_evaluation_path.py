"""The whole path of the evaluation in the browser, axe-core on every page.

An evaluator signs in with their password and a TOTP code, declares no conflict, scores (the autosave
keeps the draft), submits; staff see the ranking, record the committee, set and apply the decisions,
read, edit and send the letters from the outbox, hand the selected dossier over and open the new draft
convention.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from applications.evaluation import services
from applications.evaluation.models import Assignment, Decision, Evaluation, Letter
from applications.models import Dossier
from conventions.models import Convention
from subsidies.models import RateYear
from tests.applications.factories import CallFactory
from tests.applications.factories_evaluation import AssignmentFactory, EligibleDossierFactory, EvaluatorFactory
from tests.applications.screening_world import role_user
from tests.factories import give_second_factor

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "correct-horse-battery-9"


def totp_code(secret: str) -> str:
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))


def world() -> dict:
    call = CallFactory(positions=1, blind_evaluation=False)
    RateYear.objects.get_or_create(
        year=call.planned_effective_date.year,
        defaults={"annual_subsidy": Decimal("14000.00"), "minimum_salary": Decimal("28000.00")},
    )
    evaluator = EvaluatorFactory(first_name="Claire", last_name="Fontaine", second_factor=False)
    evaluator.set_password(PASSWORD)
    evaluator.save()
    secret = give_second_factor(evaluator)
    first = EligibleDossierFactory(call=call, candidate__first_name="Léa", candidate__last_name="Zabrowski")
    second = EligibleDossierFactory(call=call, candidate__first_name="Octave", candidate__last_name="Vanderpoel")
    # A colleague already scored both dossiers; Claire's assignment waits for her declaration.
    AssignmentFactory(dossier=first, submitted=True, values=[4, 4])
    AssignmentFactory(dossier=second, submitted=True, values=[2, 2])
    deadline = dt.date.today() + dt.timedelta(days=14)
    mine = services.assign(first, evaluator, deadline, role_user("staff"))
    return {"call": call, "evaluator": evaluator, "secret": secret, "first": first, "second": second, "mine": mine}


def sign_in_with_totp(page, base, user, secret) -> None:
    page.goto(f"{base}/compte/login/")
    page.fill("#id_login", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("form.allauth-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/2fa/authenticate/.*"))
    page.fill("#id_code", totp_code(secret))
    page.click("form.allauth-form button[type=submit]")
    page.wait_for_url(f"{base}/candidatures/evaluation/")


def test_from_the_evaluators_scores_to_the_draft_convention(page, live_server, login_page, assert_accessible):
    w = world()
    base = live_server.url
    first, mine = w["first"], w["mine"]
    criteria = services.criteria_of(w["call"])

    # The evaluator: TOTP sign-in, declaration, scores saved as they type, submission.
    sign_in_with_totp(page, base, w["evaluator"], w["secret"])
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(f"Déclarer.*{first.number}")).click()
    page.wait_for_load_state("domcontentloaded")
    assert_accessible(page)
    page.get_by_label("Je n'ai aucun conflit d'intérêts avec ce dossier").check()
    page.get_by_label("Je signe la déclaration ci-dessus (aucun conflit d'intérêts)").check()
    page.get_by_role("button", name="Enregistrer ma déclaration").click()
    page.wait_for_url(f"{base}/candidatures/evaluation/{mine.pk}/")
    assert_accessible(page)
    for criterion in criteria:
        page.locator(f"#id_score-{criterion.pk}").fill(str(criterion.scale_max))
    page.get_by_label("Financer", exact=True).check()
    page.get_by_label("Appréciation générale").fill("Un projet solide, bien ancré dans la Ville.")
    expect(page.locator("#evaluation-form")).to_have_attribute("data-autosave-state", "saved", timeout=15_000)
    draft = Evaluation.objects.get(assignment=mine)
    assert draft.status == "draft" and draft.overall_comment.startswith("Un projet solide")
    page.get_by_role("button", name=re.compile("Transmettre")).click()
    page.wait_for_load_state("domcontentloaded")
    assert_accessible(page)
    mine.refresh_from_db()
    assert mine.status == Assignment.Status.SUBMITTED
    assert Evaluation.objects.get(assignment=mine).total == Decimal("20.00")

    # Staff: the ranking, the committee, the decisions applied.
    page.context.clear_cookies()
    login_page(page, role_user("staff"))
    call = w["call"]
    page.goto(f"{base}/candidatures/gestion/appels/{call.pk}/classement/")
    assert_accessible(page)
    rows = page.locator("table").first.locator("tbody tr")
    expect(rows.first).to_contain_text(first.number)
    page.goto(f"{base}/candidatures/gestion/appels/{call.pk}/comite/")
    assert_accessible(page)
    page.get_by_label("Date du comité").fill("2026-06-15")
    page.get_by_label("Membres présents").fill("Mme Durand (présidente), M. Nguyen, Mme Petit")
    page.get_by_role("button", name="Enregistrer le comité").click()
    page.wait_for_load_state("domcontentloaded")
    assert_accessible(page)
    page.get_by_label(f"Décision — {first.number}").select_option("selected")
    page.get_by_role("button", name=f"Enregistrer — {w['first'].number}").click()
    page.wait_for_load_state("domcontentloaded")
    page.get_by_label(f"Décision — {w['second'].number}").select_option("waiting_list")
    page.get_by_label(f"Rang sur la liste d'attente — {w['second'].number}").fill("1")
    page.get_by_role("button", name=f"Enregistrer — {w['second'].number}").click()
    page.wait_for_load_state("domcontentloaded")
    assert_accessible(page)
    assert Decision.objects.filter(dossier__call=call, status="pending").count() == 2
    page.get_by_role("link", name="Appliquer les décisions").click()
    assert_accessible(page)
    page.get_by_role("button", name="Confirmer : appliquer les décisions").click()
    page.wait_for_load_state("domcontentloaded")
    assert_accessible(page)
    assert Decision.objects.filter(dossier__call=call, status="applied").count() == 2

    # The outbox: read and edit the selected candidate's letter, then send them all.
    page.goto(f"{base}/candidatures/gestion/appels/{call.pk}/courriers/")
    assert_accessible(page)
    letter = Letter.objects.get(decision__dossier=first)
    page.goto(f"{base}/candidatures/gestion/courriers/{letter.pk}/")
    assert_accessible(page)
    body = page.get_by_label("Texte de la lettre")
    body.fill(body.input_value() + "\n\nPS : le comité salue la qualité du projet.")
    page.get_by_role("button", name="Enregistrer la lettre").click()
    page.wait_for_load_state("domcontentloaded")
    assert_accessible(page)
    mail.outbox.clear()
    page.goto(f"{base}/candidatures/gestion/appels/{call.pk}/courriers/")
    page.get_by_role("button", name="Envoyer toutes les lettres prêtes").click()
    page.wait_for_load_state("domcontentloaded")
    assert_accessible(page)
    assert set(Letter.objects.filter(decision__dossier__call=call).values_list("status", flat=True)) == {"sent"}
    letter.refresh_from_db()
    assert "PS : le comité salue la qualité du projet." in letter.body

    # The hand-over: the selected dossier becomes a draft convention, which staff open.
    page.goto(f"{base}/candidatures/gestion/dossiers/{first.pk}/")
    assert_accessible(page)
    page.get_by_role("button", name="Créer la convention").click()
    page.wait_for_url(re.compile(r".*/conventions/.*"))
    assert_accessible(page)
    convention = Convention.objects.get(dossier=first)
    assert Dossier.objects.get(pk=first.pk).convention_id == convention.pk
    expect(page.locator("h1")).to_contain_text("Convention brouillon")
    expect(page.locator("main")).to_contain_text(convention.thesis_title)
    page.locator("#source-dossier").click()
    page.wait_for_url(f"{base}/candidatures/gestion/dossiers/{first.pk}/")
    expect(page.locator("#decision-part")).to_contain_text("Convention")
