"""E-mails of the dossier: every public entry of its history to the candidate, in their language,
once; the lapsed requests to staff, once a day."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone, translation
from django.utils.formats import date_format

from applications import notices, renditions, services
from applications.models import Dossier, DossierEvent
from notifications.models import EmailLog, EmailTemplate
from tests.applications.factories import DossierFactory, fill
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def submitted(db):
    """A submitted dossier (its receipt not sent: the submission's commit callbacks did not run)."""
    user = UserFactory(role="candidate", first_name="Léa", last_name="Bernard", email="lea@example.org")
    dossier = fill(DossierFactory(candidate=user))
    services.submit(dossier.pk, user)
    return Dossier.objects.select_related("call", "candidate").get(pk=dossier.pk)


def speak(dossier: Dossier, language: str) -> None:
    dossier.candidate.preferred_language = language
    dossier.candidate.save(update_fields=["preferred_language"])


def one_mail():
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lea@example.org"]
    return message.subject, message.body


def url(dossier: Dossier, language: str) -> str:
    return renditions.dossier_url(dossier, language)


def call_title(dossier: Dossier, language: str) -> str:
    return dossier.call.title_en if language == "en" else dossier.call.title_fr


SIGN = {"fr": "\n--\nProgramme CIFRE de la Ville de Paris\n", "en": "\n--\nCity of Paris CIFRE programme\n"}
FOLLOW = {"fr": "Suivre votre dossier : {url}\n", "en": "Follow your application: {url}\n"}


def test_the_templates_are_registered_in_both_languages():
    keys = [*notices.TEMPLATES.values(), "dossier_receipt", notices.LAPSED_KEY]
    assert sorted(EmailTemplate.objects.filter(key__startswith="dossier_").values_list("key", "language")) == sorted(
        (key, language) for key in keys for language in ("en", "fr")
    )


@pytest.mark.parametrize("language", ["fr", "en"])
def test_missing_items_are_told_with_the_items_the_message_and_the_deadline(
    submitted, staff, language, django_capture_on_commit_callbacks
):
    speak(submitted, language)
    deadline = (timezone.now() + dt.timedelta(days=10)).astimezone(PARIS).replace(hour=12, minute=0, second=0)
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        services.request_missing_items(
            submitted.pk, staff, ["degree", "doc:transcripts"], "Le relevé du M2 est illisible.", deadline
        )
    subject, body = one_mail()
    when = renditions.paris_time(deadline, language)
    with translation.override(language):
        items = notices.item_labels(["degree", "doc:transcripts"])
    n, title, link = submitted.number, call_title(submitted, language), url(submitted, language)
    if language == "fr":
        assert subject == f"[CIFRE] Dossier {n} : éléments à compléter avant le {when}"
        assert body == (
            f"Bonjour Léa Bernard,\n\nL'équipe du programme a examiné votre dossier n° {n} ({title}) et vous "
            f"demande de compléter les éléments suivants :\n- {items[0]}\n- {items[1]}\n\n"
            "Message de l'équipe :\nLe relevé du M2 est illisible.\n\n"
            f"Votre dossier est rouvert pour ces éléments seulement, jusqu'au {when}. Une fois les éléments "
            "complétés, transmettez-les depuis la page de votre dossier.\n\n"
            + FOLLOW["fr"].format(url=link)
            + SIGN["fr"]
        )
    else:
        assert subject == f"[CIFRE] Application {n}: items to complete by {when}"
        assert body == (
            f"Hello Léa Bernard,\n\nThe programme team reviewed your application no. {n} ({title}) and asks "
            f"you to complete the following items:\n- {items[0]}\n- {items[1]}\n\n"
            "Message from the team:\nLe relevé du M2 est illisible.\n\n"
            f"Your application is reopened for these items only, until {when}. Once they are complete, "
            "send them from your application's page.\n\n" + FOLLOW["en"].format(url=link) + SIGN["en"]
        )
    event = submitted.events.get(kind="missing_items")
    log = EmailLog.objects.get(dedupe_key=f"dossier-event:{event.pk}")
    assert (log.template_key, log.language, log.to) == ("dossier_missing_items", language, "lea@example.org")


EXPECTED = {
    ("complete", "fr"): (
        "[CIFRE] Dossier {n} : dossier complet",
        "Votre dossier n° {n} ({title}) est complet. L'équipe du programme examine maintenant les conditions "
        "d'éligibilité ; vous serez informé·e du résultat par e-mail.\n",
    ),
    ("complete", "en"): (
        "[CIFRE] Application {n}: application complete",
        "Your application no. {n} ({title}) is complete. The programme team is now checking the eligibility "
        "conditions; you will be told of the outcome by e-mail.\n",
    ),
    ("eligible", "fr"): (
        "[CIFRE] Dossier {n} : dossier éligible",
        "Votre dossier n° {n} ({title}) remplit les conditions d'éligibilité du programme. Il est transmis à "
        "l'évaluation scientifique ; vous serez informé·e de la suite.\n",
    ),
    ("eligible", "en"): (
        "[CIFRE] Application {n}: application eligible",
        "Your application no. {n} ({title}) meets the programme's eligibility conditions. It now goes to the "
        "scientific evaluation; you will be told what comes next.\n",
    ),
    ("ineligible", "fr"): (
        "[CIFRE] Dossier {n} : dossier non éligible",
        "Après examen, votre dossier n° {n} ({title}) ne remplit pas les conditions d'éligibilité du programme, "
        "pour les raisons suivantes :\n\nLe master date de plus de trois ans.\n\n"
        "Pour toute question, répondez à ce message.\n",
    ),
    ("ineligible", "en"): (
        "[CIFRE] Application {n}: application not eligible",
        "After review, your application no. {n} ({title}) does not meet the programme's eligibility "
        "conditions, for the following reasons:\n\nLe master date de plus de trois ans.\n\n"
        "If you have any question, reply to this message.\n",
    ),
    ("withdrawn", "fr"): (
        "[CIFRE] Dossier {n} : dossier retiré",
        "Votre dossier n° {n} ({title}) a été retiré le {at}. Il ne sera pas examiné.\n\n"
        "Motif indiqué :\nJ'ai accepté un autre financement.\n\n"
        "Si ce retrait n'est pas de votre fait, répondez sans attendre à ce message.\n",
    ),
    ("withdrawn", "en"): (
        "[CIFRE] Application {n}: application withdrawn",
        "Your application no. {n} ({title}) was withdrawn on {at}. It will not be reviewed.\n\n"
        "Reason given:\nJ'ai accepté un autre financement.\n\n"
        "If you did not withdraw it, reply to this message at once.\n",
    ),
}


def act(kind: str, dossier: Dossier, staff) -> None:
    if kind == "complete":
        services.mark_complete(dossier.pk, staff)
    elif kind == "eligible":
        services.declare_eligibility(dossier.pk, staff, True, "")
    elif kind == "ineligible":
        services.declare_eligibility(dossier.pk, staff, False, "Le master date de plus de trois ans.")
    else:
        services.withdraw(dossier.pk, dossier.candidate, "J'ai accepté un autre financement.")


@pytest.mark.parametrize(("kind", "language"), sorted(EXPECTED))
def test_each_screening_step_is_told_in_the_candidates_language(
    submitted, staff, kind, language, django_capture_on_commit_callbacks
):
    speak(submitted, language)
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        act(kind, submitted, staff)
    event = submitted.events.get(kind=kind)
    subject, text = EXPECTED[(kind, language)]
    values = {
        "n": submitted.number,
        "title": call_title(submitted, language),
        "at": renditions.paris_time(event.at, language),
    }
    hello = "Bonjour Léa Bernard,\n\n" if language == "fr" else "Hello Léa Bernard,\n\n"
    link = FOLLOW[language].format(url=url(submitted, language))
    assert one_mail() == (subject.format(**values), hello + text.format(**values) + "\n" + link + SIGN[language])


def test_eligible_with_notes_shows_them(submitted, staff, django_capture_on_commit_callbacks):
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        services.declare_eligibility(submitted.pk, staff, True, "Contrôle « master » levé : diplôme équivalent.")
    _subject, body = one_mail()
    assert body.split("\n\n")[2] == "Précisions de l'équipe :\nContrôle « master » levé : diplôme équivalent."


def test_an_entry_is_mailed_once_and_private_entries_never(submitted, staff):
    services.mark_complete(submitted.pk, staff)
    event = submitted.events.get(kind="complete")
    mail.outbox = []
    first = notices.notify_candidate(event.pk)
    second = notices.notify_candidate(event.pk)
    assert (first.pk, first.just_created, second.pk, second.just_created) == (first.pk, True, first.pk, False)
    assert len(mail.outbox) == 1

    override = services.record(submitted, DossierEvent.Kind.OVERRIDE, staff, public=False, notify=False)
    assert notices.notify_candidate(override.pk) is None
    assert notices.notify_candidate(10**9) is None
    Dossier.objects.filter(pk=submitted.pk).update(anonymised_at=timezone.now())
    eligible = services.record(submitted, DossierEvent.Kind.ELIGIBLE, staff, notify=False)
    assert notices.notify_candidate(eligible.pk) is None
    assert len(mail.outbox) == 1


@pytest.mark.pdf
def test_submission_and_answer_are_told_by_the_receipt_only(submitted, staff, django_capture_on_commit_callbacks):
    submitted_event = submitted.events.get(kind="submitted")
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        services.request_missing_items(
            submitted.pk, staff, ["doc:cv"], "CV à jour ?", timezone.now() + dt.timedelta(days=7)
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_request(submitted.pk, submitted.candidate)
    assert notices.notify_candidate(submitted_event.pk) is None
    assert [m.subject for m in mail.outbox] == [
        f"[CIFRE] Dossier {submitted.number} : éléments à compléter avant le "
        + renditions.paris_time(submitted.requests.get().deadline, "fr"),
        f"[CIFRE] Dossier {submitted.number} : compléments reçus (version 2)",
    ]
    receipt = mail.outbox[1]
    assert receipt.body.split("\n\n")[1] == (
        f"Les éléments demandés pour votre dossier n° {submitted.number} ({submitted.call.title_fr}) ont bien été "
        f"reçus le {renditions.paris_time(renditions.version_time(submitted, 2), 'fr')} : c'est la version 2 de "
        "votre dossier."
    )
    assert [name for name, _content, _type in receipt.attachments] == [f"accuse-de-reception-{submitted.number}-v2.pdf"]


def test_lapsed_requests_are_summed_up_to_staff_once_a_day(staff, django_capture_on_commit_callbacks):
    dossiers = []
    for first, last in (("Léa", "Bernard"), ("Hugo", "Morel")):
        dossier = fill(DossierFactory(candidate=UserFactory(role="candidate", first_name=first, last_name=last)))
        services.submit(dossier.pk, dossier.candidate)
        dossiers.append(dossier)
    deadline = (timezone.now() + dt.timedelta(days=3)).astimezone(PARIS).replace(hour=12, minute=0, second=0)
    for dossier, items in zip(dossiers, (["degree"], ["doc:cv", "lab"]), strict=True):
        services.request_missing_items(dossier.pk, staff, items, "À compléter.", deadline)
    mail.outbox = []
    after = deadline + dt.timedelta(hours=20)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.flag_lapsed_requests(at=after) == 2
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    when = renditions.paris_time(deadline, "fr")
    numbers = [Dossier.objects.get(pk=d.pk).number for d in dossiers]
    day = after.date().isoformat()
    with translation.override("fr"):
        day_text = date_format(dt.date.fromisoformat(day), "j F Y")
    assert message.to == [settings.STAFF_EMAIL]
    assert message.subject == f"[CIFRE] 2 demandes de pièces sans réponse dans le délai ({day_text})"
    assert message.body == (
        "Bonjour,\n\n2 demandes de pièces manquantes sont restées sans réponse à la date limite :\n"
        f"- {numbers[0]} (Léa Bernard), date limite {when} : Diplôme\n"
        f"  {notices.staff_dossier_url(dossiers[0])}\n"
        f"- {numbers[1]} (Hugo Morel), date limite {when} : Curriculum vitæ, Laboratoire et direction\n"
        f"  {notices.staff_dossier_url(dossiers[1])}\n\n"
        "Les dossiers restent en attente des pièces : à vous de décider de la suite "
        "(relance, nouvelle demande, déclaration d'éligibilité).\n" + SIGN["fr"]
    )
    # The same day again, or a run that flags nothing new: no second summary.
    notices.notify_staff_lapsed(day)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.flag_lapsed_requests(at=after + dt.timedelta(minutes=5)) == 0
    assert len(mail.outbox) == 1
    assert EmailLog.objects.filter(template_key="dossier_requests_lapsed").count() == 1


def test_no_summary_when_nothing_lapsed():
    assert notices.notify_staff_lapsed("2027-04-03") is None
    assert mail.outbox == []
