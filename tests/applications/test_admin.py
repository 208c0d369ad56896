"""The Django admin of calls, dossiers and the evaluation: every list and change page opens for an admin;
the record for ANRT (declarations, submitted evaluations, applied decisions, sent letters) is read-only."""

from __future__ import annotations

import pytest

from applications.evaluation import decisions, services
from applications.evaluation.models import (
    Committee,
    ConflictDeclaration,
    Decision,
    EvaluatorProfile,
    Letter,
)
from tests.applications.factories_evaluation import (
    AssignmentFactory,
    DecisionFactory,
    EvaluationFactory,
    staff_member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def records():
    submitted = AssignmentFactory(submitted=True)
    call = submitted.dossier.call
    draft = EvaluationFactory(assignment=AssignmentFactory(accepted=True, dossier=submitted.dossier))
    conflict = AssignmentFactory(conflict=True, dossier=submitted.dossier)
    decision = DecisionFactory(dossier=submitted.dossier, applied=True)
    letter = decision.letters.get()
    return {
        "call": call,
        "dossier": submitted.dossier,
        "assignment": submitted,
        "submitted": submitted.evaluation,
        "draft": draft,
        "declaration": ConflictDeclaration.objects.get(assignment=conflict),
        "decision": decision,
        "letter": letter,
        "committee": decision.committee,
        "profile": EvaluatorProfile.objects.get(user=submitted.evaluator),
    }


def test_every_list_and_change_page_opens(client_for, admin_user, records):
    client = client_for(admin_user)
    pages = {
        "call": records["call"],
        "dossier": records["dossier"],
        "evaluatorprofile": records["profile"],
        "assignment": records["assignment"],
        "conflictdeclaration": records["declaration"],
        "evaluation": records["submitted"],
        "committee": records["committee"],
        "decision": records["decision"],
        "letter": records["letter"],
    }
    for name, obj in pages.items():
        assert client.get(f"/admin/applications/{name}/").status_code == 200, name
        assert client.get(f"/admin/applications/{name}/{obj.pk}/change/").status_code == 200, name
    assert client.get(f"/admin/applications/evaluation/{records['draft'].pk}/change/").status_code == 200
    assert client.get(f"/admin/applications/evaluation/{records['submitted'].pk}/history/").status_code == 200
    for name in ("assignment", "conflictdeclaration", "evaluation", "committee", "decision", "letter"):
        assert client.get(f"/admin/applications/{name}/add/").status_code == 403, name
    assert client.get("/admin/applications/evaluatorprofile/add/").status_code == 200
    assert client.get("/admin/applications/missingitemsrequest/").status_code == 200


def test_the_lists_search_and_filter(client_for, admin_user, records):
    client = client_for(admin_user)
    number = records["dossier"].number
    call = records["call"].pk
    for name, query, obj in (
        ("assignment", f"q={number}&status__exact=submitted&dossier__call__id__exact={call}", records["assignment"]),
        ("conflictdeclaration", f"q={number}&has_conflict__exact=1", records["declaration"]),
        ("evaluation", f"q={number}&status__exact=draft", records["draft"]),
        ("decision", f"q={number}&outcome__exact=selected", records["decision"]),
        ("letter", f"q={number}&status__exact=ready", records["letter"]),
        ("evaluatorprofile", "q=EHESS", records["profile"]),
    ):
        response = client.get(f"/admin/applications/{name}/?{query}")
        assert response.status_code == 200, name
        assert f"/admin/applications/{name}/{obj.pk}/change/" in response.content.decode(), name
    response = client.get("/admin/applications/evaluation/?status__exact=submitted")
    assert f"/admin/applications/evaluation/{records['draft'].pk}/change/" not in response.content.decode()


def _form_inputs(html: str) -> set[str]:
    import re

    return set(re.findall(r'<(?:input|textarea|select)[^>]* name="([^"]+)"', html))


def test_the_record_for_anrt_is_read_only(client_for, admin_user, records):
    client = client_for(admin_user)
    declaration = records["declaration"]
    url = f"/admin/applications/conflictdeclaration/{declaration.pk}/change/"
    assert "nature" not in _form_inputs(client.get(url).content.decode())
    assert client.post(url, {"nature": "Effacé", "has_conflict": ""}).status_code == 403
    declaration.refresh_from_db()
    assert declaration.has_conflict and declaration.nature.startswith("J'ai encadré")

    submitted = records["submitted"]
    page = client.get(f"/admin/applications/evaluation/{submitted.pk}/change/").content.decode()
    assert not {"overall_comment", "recommendation", "scores-0-value"} & _form_inputs(page)

    decision = records["decision"]
    assert (
        client.post(f"/admin/applications/decision/{decision.pk}/change/", {"outcome": "rejected"}).status_code == 403
    )
    decision.refresh_from_db()
    assert decision.outcome == Decision.Outcome.SELECTED

    committee = records["committee"]  # its decision is applied: the committee is on record
    assert "members_present" not in _form_inputs(
        client.get(f"/admin/applications/committee/{committee.pk}/change/").content.decode()
    )


def test_a_letter_is_corrected_until_it_is_sent(client_for, admin_user, records):
    client = client_for(admin_user)
    letter = records["letter"]
    url = f"/admin/applications/letter/{letter.pk}/change/"
    assert {"subject", "body"} <= _form_inputs(client.get(url).content.decode())
    response = client.post(url, {"subject": "Votre candidature", "body": "Madame, Monsieur,\n\nTexte corrigé."})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert (letter.subject, letter.edited_by) == ("Votre candidature", admin_user)
    assert letter.status == Letter.Status.READY


@pytest.mark.pdf
def test_a_sent_letter_is_read_only(client_for, admin_user, records):
    letter = records["letter"]
    decisions.send_letters([letter], staff_member())
    client = client_for(admin_user)
    url = f"/admin/applications/letter/{letter.pk}/change/"
    assert not {"subject", "body"} & _form_inputs(client.get(url).content.decode())
    client.post(url, {"subject": "Changé", "body": "Changé"})
    letter.refresh_from_db()
    assert letter.subject != "Changé" and letter.status == Letter.Status.SENT


def test_a_draft_score_outside_its_scale_is_refused_and_nothing_saved(client_for, admin_user, records):
    client = client_for(admin_user)
    draft = records["draft"]
    scores = list(draft.scores.select_related("criterion").order_by("criterion__position", "criterion_id"))
    url = f"/admin/applications/evaluation/{draft.pk}/change/"
    data = {
        "overall_comment": "Corrigé",
        "recommendation": "fund",
        "scores-TOTAL_FORMS": str(len(scores)),
        "scores-INITIAL_FORMS": str(len(scores)),
        "scores-MIN_NUM_FORMS": "0",
        "scores-MAX_NUM_FORMS": "1000",
    }
    for index, score in enumerate(scores):
        data |= {f"scores-{index}-id": str(score.pk), f"scores-{index}-evaluation": str(draft.pk)}
        data |= {f"scores-{index}-value": str(score.value), f"scores-{index}-comment": score.comment}
    data["scores-0-value"] = str(scores[0].criterion.scale_max + 1)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "La note doit être comprise entre" in response.content.decode()
    draft.refresh_from_db()
    assert draft.overall_comment != "Corrigé"
    assert draft.scores.get(pk=scores[0].pk).value == scores[0].value

    data["scores-0-value"] = str(scores[0].criterion.scale_min)
    version = draft.version
    assert client.post(url, data).status_code == 302
    draft.refresh_from_db()
    assert (
        draft.overall_comment == "Corrigé" and draft.scores.get(pk=scores[0].pk).value == scores[0].criterion.scale_min
    )
    assert draft.version == version + 1  # an evaluator's open tab is told its copy is stale
    assert draft.history.count() >= 2
    # The evaluator's stale autosave is refused rather than overwriting the correction.
    with pytest.raises(services.StaleEvaluation):
        services.save_draft(draft.assignment, draft.assignment.evaluator, {"overall_comment": "x"}, version)


def test_admin_lists_keep_a_fixed_number_of_queries(client_for, admin_user, records):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(admin_user)
    before = {}
    names = ("assignment", "conflictdeclaration", "evaluation", "decision", "letter", "evaluatorprofile", "committee")
    for name in names:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/admin/applications/{name}/").status_code == 200
        before[name] = len(queries)
    for _ in range(3):
        more = AssignmentFactory(submitted=True)
        AssignmentFactory(conflict=True, dossier=more.dossier)
        DecisionFactory(dossier=more.dossier, applied=True)
    assert Committee.objects.count() == 4 and Letter.objects.count() == 4
    for name in names:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/admin/applications/{name}/").status_code == 200
        assert len(queries) == before[name], name
