"""Conflict of interest first: the declaration, what it opens, and what an evaluator may see of a dossier."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from applications.evaluation import blind, permissions, services
from applications.evaluation.models import Assignment, ConflictDeclaration
from applications.models import Call, DossierEvent, DossierFile
from tests.applications.factories_evaluation import AssignmentFactory, EvaluatorFactory, staff_member
from tests.applications.identity import assert_no_identity
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

AT = timezone.make_aware(dt.datetime(2027, 5, 3, 10, 12))


@pytest.fixture
def assignment():
    return AssignmentFactory(
        evaluator=EvaluatorFactory(first_name="Claire", last_name="Fontaine"),
        dossier__candidate__first_name="Léa",
        dossier__candidate__last_name="Zabrowski",
    )


def test_no_conflict_opens_the_dossier_with_the_signed_statement_stored(assignment):
    dossier = assignment.dossier
    declaration = services.declare(assignment, assignment.evaluator, False, at=AT)
    assignment.refresh_from_db()
    assert (assignment.status, declaration.has_conflict, declaration.declared_at, declaration.declared_by) == (
        "accepted",
        False,
        AT,
        assignment.evaluator,
    )
    assert declaration.statement == (
        f"Je soussigné·e, Claire Fontaine, déclare sur l'honneur n'avoir aucun conflit d'intérêts, direct ou "
        f"indirect, avec le dossier n° {dossier.number} (« {dossier.thesis_title} »), ni avec son laboratoire, sa "
        "direction de thèse ou la personne qui l'a déposé, et m'engage à en garder le contenu confidentiel. "
        "Déclaration faite le 3 mai 2027 à 10:12, heure de Paris."
    )
    event = dossier.events.get(kind=DossierEvent.Kind.NO_CONFLICT)
    assert (event.public, event.actor, event.data) == (
        False,
        assignment.evaluator,
        {"assignment": assignment.pk, "evaluator": assignment.evaluator.pk, "declaration": declaration.pk},
    )
    assert permissions.evaluator_may_see_content(assignment.evaluator, dossier)


def test_a_conflict_closes_the_dossier_alerts_staff_and_is_kept(
    assignment, settings, django_capture_on_commit_callbacks
):
    dossier = assignment.dossier
    with django_capture_on_commit_callbacks(execute=True):
        declaration = services.declare(assignment, assignment.evaluator, True, "  Co-autrice du directeur en 2025. ")
    assignment.refresh_from_db()
    assert (assignment.status, declaration.nature, declaration.statement) == (
        "conflict",
        "Co-autrice du directeur en 2025.",
        "",
    )
    [alert] = [m for m in mail.outbox if m.to == [settings.STAFF_EMAIL]]
    assert alert.subject == f"[CIFRE] Conflit d'intérêts déclaré sur le dossier {dossier.number}"
    assert "Claire Fontaine a déclaré le " in alert.body and "Co-autrice du directeur en 2025." in alert.body
    decision = permissions.evaluator_may_see_content(assignment.evaluator, dossier)
    assert decision == (
        False,
        "Vous avez déclaré un conflit d'intérêts pour ce dossier : il ne vous est plus accessible.",
    )
    assert not permissions.evaluator_may_see_conflict_view(assignment.evaluator, dossier)
    assert dossier.events.filter(kind=DossierEvent.Kind.CONFLICT, public=False).count() == 1


def test_a_conflict_needs_its_nature_and_nothing_is_saved(assignment):
    with pytest.raises(ValidationError) as error:
        services.declare(assignment, assignment.evaluator, True, "   ")
    assert error.value.message_dict == {"nature": ["Décrivez la nature du conflit d'intérêts."]}
    assert (ConflictDeclaration.objects.count(), Assignment.objects.get(pk=assignment.pk).status) == (0, "assigned")


def test_one_declaration_per_assignment_and_only_by_its_evaluator(assignment):
    with pytest.raises(services.NotAssigned) as error:
        services.declare(assignment, EvaluatorFactory(), False)
    assert error.value.messages == ["Ce dossier ne vous est pas confié."]
    services.declare(assignment, assignment.evaluator, False, at=AT)
    with pytest.raises(services.EvaluationRefused) as error:
        services.declare(assignment, assignment.evaluator, True, "Finalement si.")
    assert error.value.messages == ["Vous avez déjà fait votre déclaration pour ce dossier, le 03/05/2027 à 10:12."]
    assert ConflictDeclaration.objects.count() == 1


# --- What an evaluator may see ----------------------------------------------------------------------------------


def test_content_is_open_only_after_no_conflict_and_only_to_the_dossiers_evaluator(assignment):
    dossier = assignment.dossier
    expert = assignment.evaluator
    assert permissions.evaluator_may_see_content(expert, dossier) == (
        False,
        "Déclarez d'abord l'absence de conflit d'intérêts : le dossier s'ouvre ensuite.",
    )
    assert permissions.evaluator_may_see_conflict_view(expert, dossier)
    other = EvaluatorFactory()
    for check in (permissions.evaluator_may_see_content, permissions.evaluator_may_see_conflict_view):
        assert check(other, dossier) == (False, "Ce dossier ne vous est pas confié.")
        assert check(other, None) == (False, "Ce dossier ne vous est pas confié.")
        assert check(UserFactory(role="candidate"), dossier) == (False, "Ce dossier ne vous est pas confié.")
        assert check(staff_member(), dossier)
    services.declare(assignment, expert, False)
    assert permissions.evaluator_may_see_content(expert, dossier)
    assert permissions.can_score(expert, Assignment.objects.get(pk=assignment.pk))
    assert permissions.can_score(other, Assignment.objects.get(pk=assignment.pk)) == (
        False,
        "Ce dossier ne vous est pas confié.",
    )


def test_the_conflict_view_holds_title_theme_lab_and_director_only(assignment):
    dossier = assignment.dossier
    view = blind.conflict_view(dossier)
    assert view == {
        "number": dossier.number,
        "call_title": dossier.call.title_fr,
        "thesis_title": "Les arbres d'alignement face aux vagues de chaleur",
        "theme_title": dossier.theme.title_fr,
        "host_department": str(dossier.theme.host_department),
        "lab_name": "Géographie-cités",
        "lab_unit_code": "UMR 8504",
        "lab_institution": "Université Paris 1 Panthéon-Sorbonne",
        "director_name": "Pr Dominique Durand",
        "director_lab": "Géographie-cités",
    }
    assert_no_identity(" ".join(str(v) for v in view.values()), dossier)


def test_in_a_blind_call_the_evaluators_view_has_no_personal_field(assignment):
    dossier = assignment.dossier
    Call.objects.filter(pk=dossier.call_id).update(blind_evaluation=True)
    dossier.call.refresh_from_db()
    view = blind.evaluator_dossier(dossier)
    assert [getattr(view, name) for name in ("first_name", "last_name", "email", "phone", "address")] == [""] * 5
    assert (view.full_name, view.director_email, view.thesis_title, view.number) == (
        "",
        "",
        dossier.thesis_title,
        dossier.number,
    )
    with pytest.raises(blind.IdentityHidden):
        view.candidate  # noqa: B018
    with pytest.raises(blind.IdentityHidden):
        view.files  # noqa: B018
    with pytest.raises(blind.IdentityHidden):
        view.thesis_title = "x"
    stored = DossierFile.objects.filter(dossier=dossier, kind="cv").get()
    assert blind.evaluator_file_name(stored) == f"{dossier.number}-cv.pdf"


def test_outside_a_blind_call_the_name_shows_but_never_the_account_or_the_files(assignment):
    dossier = assignment.dossier
    view = blind.evaluator_dossier(dossier)
    assert (view.full_name, view.blind) == (dossier.full_name, False)
    with pytest.raises(blind.IdentityHidden):
        view.events  # noqa: B018


def test_assert_no_identity_catches_the_name_without_case_or_accents(assignment):
    dossier = assignment.dossier
    dossier.last_name = "Lefèvre"
    with pytest.raises(AssertionError):
        assert_no_identity("Dossier de LEFEVRE", dossier)
    with pytest.raises(AssertionError):
        assert_no_identity(f"écrire à {dossier.email.upper()}", dossier)
    assert_no_identity(f"Dossier {dossier.number} : {dossier.thesis_title}", dossier)


def test_my_assignments_lists_only_ones_own(assignment):
    AssignmentFactory()
    assert [a.pk for a in services.my_assignments(assignment.evaluator)] == [assignment.pk]
