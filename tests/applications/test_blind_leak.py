"""The leak test of blind calls: an evaluator never learns who the candidate is, nor what another
evaluator wrote before the call allows it.

For every page an evaluator can reach (found by following every link from their home, plus the
forms they post and the error pages they can provoke), every e-mail sent to evaluators and every
file they can download (its name and its text), the candidate's name and e-mail never appear
(``identity.assert_no_identity``). The crawler is checked against itself: a template that starts
printing the candidate's name makes it fail (``test_the_leak_test_catches_a_template_printing_the_name``).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from applications import renditions
from applications.evaluation import reminders, services
from applications.models import Rendition
from tests.applications.evaluator_world import make_world
from tests.applications.factories_evaluation import AssignmentFactory, answers
from tests.applications.identity import assert_no_identity, identity_of
from tests.factories import sign_in
from tests.site_pages import links_in

pytestmark = pytest.mark.django_db

# What the other evaluator wrote: it must not reach Claire before the call allows it.
OTHER_COMMENT = "Appréciation confidentielle QX7-MARCHETTI"
# Pages outside the evaluator's space that they reach by links of the shell (the crawl stays on the site).
START = ("/", "/espace/", "/espace/preferences/")
NOT_FOLLOWED = ("/compte/logout/", "/admin/", "/static/", "/media/")


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def body_of(response) -> str:
    """The text an evaluator receives: the page, or a PDF's text, with the headers naming the file."""
    headers = " ".join(f"{k}: {unquote(v)}" for k, v in response.headers.items())
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        return headers + "\n" + pdf_text(content)
    return headers + "\n" + content.decode("utf-8", "replace")


def crawl(client, starts) -> dict[str, str]:
    """Every same-site URL reachable from ``starts`` by links (GET), with the text received."""
    seen: dict[str, str] = {}
    queue = list(starts)
    while queue:
        url = queue.pop(0)
        path = urlsplit(url).path
        if path in seen or not path.startswith("/") or path.startswith(NOT_FOLLOWED):
            continue
        response = client.get(url)
        seen[path] = body_of(response)
        if response.status_code in (301, 302):
            queue.append(urljoin(url, response["Location"]))
            continue
        if response.get("Content-Type", "").startswith("text/html"):
            for link in links_in(seen[path], every=True):
                target = urljoin(url, link)
                if urlsplit(target).netloc in ("", "testserver"):
                    queue.append(urlsplit(target).path)
    return seen


def provoked(client, world) -> dict[str, str]:
    """What the evaluator gets back from the forms they post, refusals and error pages included."""
    accepted, assigned, submitted = world["accepted"], world["assigned"], world["submitted"]
    call = world["call"]
    bad = answers(call) | {services.score_field(services.criteria_of(call)[0]): "99"}
    version = accepted.evaluation.version if hasattr(accepted, "evaluation") else 0
    out = {}
    posts = {
        "autosave-bad": (reverse("applications:evaluator_autosave", args=[accepted.pk]), bad | {"version": version}),
        "autosave-stale": (reverse("applications:evaluator_autosave", args=[accepted.pk]), {"version": 999}),
        "submit-bad": (reverse("applications:evaluator_submit", args=[accepted.pk]), bad | {"version": version}),
        "submit-locked": (reverse("applications:evaluator_submit", args=[submitted.pk]), answers(call)),
        "declare-empty": (reverse("applications:evaluator_declare", args=[assigned.pk]), {}),
        "decline-empty": (reverse("applications:evaluator_decline", args=[assigned.pk]), {"reason": "x" * 5000}),
        "profile-bad": (reverse("applications:evaluator_profile"), {"capacity": "-3"}),
    }
    for name, (url, data) in posts.items():
        out[name] = body_of(client.post(url, data, HTTP_ACCEPT="application/json" if "autosave" in name else "*/*"))
    for name, url in {
        "foreign": reverse("applications:evaluator_assignment", args=[world["foreign"].pk]),
        "conflict": reverse("applications:evaluator_assignment", args=[world["conflict"].pk]),
        "content-before-declaring": reverse("applications:evaluator_pdf", args=[assigned.pk]),
        "guessed": reverse("applications:evaluator_assignment", args=[999_999]),
    }.items():
        response = client.get(url)
        assert response.status_code == 404, name
        out[name] = body_of(response)
    return out


def real_blind_rendition(dossier) -> None:
    """The stored blind one-PDF is the real one (not the world's placeholder), so its text is checked."""
    Rendition.objects.filter(dossier=dossier, kind=Rendition.Kind.BLIND).delete()
    rendition = Rendition(dossier=dossier, kind=Rendition.Kind.BLIND, version=dossier.version, sha256="x")
    pdf = renditions.dossier_pdf(dossier, dossier.version, blind=True)
    rendition.file.save("blind.pdf", ContentFile(pdf), save=True)


@pytest.fixture
def world(db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    mail.outbox.clear()
    world = make_world(blind=True, scores_visible_after_own=True)
    for key in ("accepted", "submitted"):
        real_blind_rendition(world[key].dossier)
    # A second evaluator on Claire's dossier under way, who submitted a comment she must not read yet.
    other = AssignmentFactory(dossier=world["accepted"].dossier, evaluator=world["other_evaluator"], accepted=True)
    services.submit_evaluation(other, other.evaluator, answers(world["call"], comment=OTHER_COMMENT), version=None)
    world["accepted"].refresh_from_db()
    return world


def dossiers_of(world):
    return [world[key].dossier for key in ("assigned", "accepted", "submitted", "conflict", "declined", "foreign")]


def assert_nothing_identifies(texts: dict[str, str], world) -> None:
    for where, text in texts.items():
        for dossier in dossiers_of(world):
            try:
                assert_no_identity(text, dossier)
            except AssertionError as error:
                raise AssertionError(f"{where}: {error}") from None


def evaluator_client(client, world):
    sign_in(client, world["evaluator"])
    return client


def test_no_page_file_or_error_an_evaluator_reaches_names_the_candidate(client, world):
    client = evaluator_client(client, world)
    pages = crawl(client, [reverse("applications:evaluator_home"), *START])
    home = reverse("applications:evaluator_home")
    # The crawl reached every kind of thing the evaluator may open: the pages, a file, the blind one-PDF.
    reached = set(pages)
    for key in ("assigned", "accepted", "submitted"):
        assert reverse("applications:evaluator_assignment", args=[world[key].pk]) in reached
    assert reverse("applications:evaluator_pdf", args=[world["accepted"].pk]) in reached
    assert any("/pieces/" in path for path in reached)
    assert home in reached and reverse("applications:evaluator_profile") in reached
    # The real blind PDF was read: it holds the dossier's content, not its candidate.
    pdf = pages[reverse("applications:evaluator_pdf", args=[world["accepted"].pk])]
    assert world["accepted"].dossier.number in pdf and "Content-Disposition" in pdf
    assert_nothing_identifies(pages | provoked(client, world), world)


def test_other_evaluators_scores_stay_hidden_until_the_call_allows_it(client, world):
    client = evaluator_client(client, world)
    accepted = world["accepted"]
    before = crawl(client, [reverse("applications:evaluator_home")])
    assert all(OTHER_COMMENT not in text for text in before.values())
    # Once Claire submitted, a call that allows it shows the other evaluation, still without a name.
    services.submit_evaluation(accepted, accepted.evaluator, answers(world["call"]), version=None)
    page = client.get(reverse("applications:evaluator_assignment", args=[accepted.pk])).content.decode()
    assert OTHER_COMMENT in page
    assert "Marchetti" not in page
    assert_no_identity(page, accepted.dossier)


def test_a_call_that_never_shows_other_scores_never_does(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    world = make_world(blind=True, scores_visible_after_own=False)
    submitted = world["submitted"]
    other = AssignmentFactory(dossier=submitted.dossier, evaluator=world["other_evaluator"], accepted=True)
    services.submit_evaluation(other, other.evaluator, answers(world["call"], comment=OTHER_COMMENT), version=None)
    client = evaluator_client(client, world)
    pages = crawl(client, [reverse("applications:evaluator_home")])
    assert reverse("applications:evaluator_assignment", args=[submitted.pk]) in pages
    assert all(OTHER_COMMENT not in text for text in pages.values())


def test_no_email_to_an_evaluator_names_the_candidate(world, django_capture_on_commit_callbacks):
    from tests.applications.factories_evaluation import staff_member

    call, evaluator, dossier = world["call"], world["evaluator"], world["unassigned"]
    manager = staff_member()
    today = timezone.localdate()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        new = services.assign(dossier, evaluator, today + dt.timedelta(days=7), manager)
    # Every reminder of the assignment (7 and 2 days before, the day after a missed deadline).
    for offset in (0, 5, 8):
        day = today + dt.timedelta(days=offset)
        with django_capture_on_commit_callbacks(execute=True):
            reminders.send_reminders(day, timezone.make_aware(dt.datetime.combine(day, dt.time(6, 0))))
    with django_capture_on_commit_callbacks(execute=True):
        services.declare(new, evaluator, False, "")
        new.refresh_from_db()
        services.submit_evaluation(new, evaluator, answers(call), version=None)
        new.refresh_from_db()
        services.reopen(new.evaluation, manager, "Une note à revoir.")
    to_evaluators = [m for m in mail.outbox if set(m.to) & {evaluator.email, world["other_evaluator"].email}]
    subjects = [m.subject for m in to_evaluators]
    assert len(to_evaluators) == 5, subjects  # assigned, 7 days, 2 days, late, reopened
    for message in to_evaluators:
        parts = [message.subject, message.body]
        parts += [content for content, _type in getattr(message, "alternatives", [])]
        for name, content, _type in message.attachments:
            parts += [name, pdf_text(content) if name.endswith(".pdf") else str(content)]
        for dossier_ in dossiers_of(world):
            assert_no_identity("\n".join(parts), dossier_)


def test_the_leak_test_catches_a_template_printing_the_name(client, world, tmp_path):
    """The crawl is not a test that cannot fail: a template printing the candidate's name is caught."""
    source = Path(settings.BASE_DIR) / "applications" / "templates" / "applications" / "evaluator" / "_summary.html"
    target = tmp_path / "applications" / "evaluator" / "_summary.html"
    target.parent.mkdir(parents=True)
    shutil.copy(source, target)
    target.write_text(target.read_text() + "<p>{{ assignment.dossier.full_name }}</p>")
    templates = [dict(settings.TEMPLATES[0], DIRS=[tmp_path, *settings.TEMPLATES[0]["DIRS"]])]
    client = evaluator_client(client, world)
    with override_settings(TEMPLATES=templates):
        pages = crawl(client, [reverse("applications:evaluator_assignment", args=[world["accepted"].pk])])
        printed = pages[reverse("applications:evaluator_assignment", args=[world["accepted"].pk])]
        assert re.search(re.escape(world["accepted"].dossier.full_name), printed)
        with pytest.raises(AssertionError, match="identity appears"):
            assert_nothing_identifies(pages, world)
    assert identity_of(world["accepted"].dossier)
