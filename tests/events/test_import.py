"""``import_site_page``: the seed file, a second run that changes nothing, and broken copies."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from events.models import Event, NewsItem, Page, Person

pytestmark = pytest.mark.django_db

# The original seed when it is beside the repository, else the copy the demo ships (same bytes:
# tests/events/test_demo.py checks it), so a fresh clone runs these tests too.
SHARED_SEED = Path(settings.BASE_DIR).parent / "shared" / "seeds" / "programme-page.md"
SEED = SHARED_SEED if SHARED_SEED.exists() else Path(settings.BASE_DIR) / "events" / "data" / "programme-page.md"
SEED_TEXT = SEED.read_text(encoding="utf-8") if SEED.exists() else None
needs_seed = pytest.mark.skipif(SEED_TEXT is None, reason=f"seed file missing: {SEED}")


def run(*paths):
    out, err = StringIO(), StringIO()
    status = 0
    try:
        call_command("import_site_page", *[str(p) for p in paths], stdout=out, stderr=err)
    except SystemExit as exc:
        status = exc.code
    return status, out.getvalue(), err.getvalue()


def snapshot():
    return {
        model.__name__: sorted(model.objects.values_list("slug", "updated_at"))
        for model in (Page, NewsItem, Event, Person)
    }


@needs_seed
def test_seed_file_is_imported_then_a_second_run_changes_nothing():
    status, out, err = run(SEED)
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        "pages : 1 créé(s), 0 mis à jour, 0 inchangé(s), 0 ignoré(s) sans nom",
        "actualités : 0 créé(s), 0 mis à jour, 0 inchangé(s), 3 ignoré(s) sans nom",
        "événements : 3 créé(s), 0 mis à jour, 0 inchangé(s), 0 ignoré(s) sans nom",
        "personnes : 3 créé(s), 0 mis à jour, 0 inchangé(s), 0 ignoré(s) sans nom",
    ]
    page = Page.objects.get(slug="programme")
    assert page.title_fr == "Les doctorant.e.s Cifre de la ville de Paris"
    assert page.body_fr.startswith("## Le dispositif cifre\n")
    assert (page.colour, page.image_origin, page.source_url) == (
        "#fff",
        "/logoPF.png",
        "https://www.cifre-villedeparis.fr",
    )
    assert str(page.published_on) == "2023-10-04"
    assert sorted(page.events.values_list("title_fr", flat=True)) == ["Event1", "Event2", "Event3"]
    event1 = Event.objects.get(slug="event1")
    assert (event1.start, event1.registration_open, event1.booking_state) == (None, False, "Day1")
    assert event1.description_fr == "Alex Cayco Gajic is a neuroscientist who works on recurrent neural networks"
    assert sorted(page.people.values_list("first_name", "last_name", "consent", "role")) == [
        ("Amelio", "Duffour", True, ""),
        ("Georges", "Leblanc", True, ""),
        ("IEA", "Paris", True, ""),
    ]
    before = snapshot()
    status, out, _err = run(SEED)
    assert status == 0
    assert out.splitlines()[0] == "pages : 0 créé(s), 0 mis à jour, 1 inchangé(s), 0 ignoré(s) sans nom"
    assert out.splitlines()[2] == "événements : 0 créé(s), 0 mis à jour, 3 inchangé(s), 0 ignoré(s) sans nom"
    assert snapshot() == before


@needs_seed
def test_english_translations_added_by_staff_survive_a_new_import():
    run(SEED)
    Page.objects.filter(slug="programme").update(title_en="The programme")
    run(SEED)
    assert Page.objects.get(slug="programme").title_en == "The programme"


@needs_seed
def test_a_changed_file_updates_only_what_changed(tmp_path):
    run(SEED)
    changed = tmp_path / "programme-page.md"
    # Event2 gets a date: its empty "start" (the one just before Day3) becomes a real date-time.
    tail = '    url: ""\n  - bookingState: "Day3"'
    text = SEED_TEXT.replace('    start: ""\n    state: ""\n    summary: ""\n    eventType: ""\n' + tail,
                             '    start: "2027-03-04T14:00:00+01:00"\n    state: ""\n    summary: ""\n'
                             '    eventType: ""\n' + tail, 1)  # fmt: skip
    assert text != SEED_TEXT
    changed.write_text(text, encoding="utf-8")
    status, out, err = run(changed)
    assert (status, err) == (0, "")
    assert out.splitlines()[2] == "événements : 0 créé(s), 1 mis à jour, 2 inchangé(s), 0 ignoré(s) sans nom"
    assert Event.objects.get(slug="event2").start.isoformat() == "2027-03-04T13:00:00+00:00"


BROKEN = [
    ("bad YAML", lambda t: t.replace('title: Les doctorant', 'title: [Les doctorant', 1), "YAML invalide"),
    ("not a date", lambda t: t.replace('name: "Event1"\n    outside: ""\n    start: ""',
                                       'name: "Event1"\n    outside: ""\n    start: "le 32 mars"', 1),
     'relatedEvents[0].start : « le 32 mars » n\'est pas une date'),
    ("impossible date", lambda t: t.replace("date: 2023-10-04T00:00:00.000Z", 'date: "2023-02-30"', 1),
     "date : « 2023-02-30 » n'est pas une date"),
    ("impossible unquoted date", lambda t: t.replace("date: 2023-10-04T00:00:00.000Z", "date: 2023-02-30", 1),
     "YAML invalide : date impossible (day is out of range for month)"),
    ("missing title", lambda t: t.replace("title: Les doctorant.e.s Cifre de la ville de Paris\n", "", 1),
     "titre manquant (title)"),
    ("no front matter", lambda t: t.split("\n---\n", 1)[1], "pas d'en-tête YAML (le fichier doit commencer par ---)"),
    ("bad colour", lambda t: t.replace('color: "#fff"', 'color: "blanc"', 1),
     "page « broken » : colour: Indiquez une couleur au format #rgb ou #rrggbb"),
]  # fmt: skip


@needs_seed
@pytest.mark.parametrize(("case", "breaker", "reason"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_copies_write_nothing_and_exit_2(tmp_path, case, breaker, reason):
    good = tmp_path / "good.md"
    good.write_text(SEED_TEXT.replace("title: Les doctorant", "slug: autre\ntitle: Les doctorant", 1), "utf-8")
    broken = tmp_path / "broken.md"
    broken.write_text(breaker(SEED_TEXT), encoding="utf-8")
    assert broken.read_text(encoding="utf-8") != SEED_TEXT
    status, out, err = run(good, broken)  # the good file comes first: it must not be written either
    assert status == 2
    assert out == ""
    assert err.startswith(f"error: {broken}: ")
    assert reason in err
    assert err.count("\n") == 1
    assert (Event.objects.count(), Person.objects.count(), NewsItem.objects.count()) == (0, 0, 0)
    assert list(Page.objects.order_by("slug").values_list("slug", flat=True)) == [
        "accessibilite",
        "donnees-personnelles",
        "mentions-legales",
    ]


def test_missing_file_is_an_error(tmp_path):
    status, _out, err = run(tmp_path / "absent.md")
    assert status == 2
    assert err.startswith(f"error: {tmp_path / 'absent.md'}: lecture impossible")


def test_entries_without_a_name_are_counted(tmp_path):
    page = tmp_path / "actualites.md"
    page.write_text(
        '---\ntitle: Actualités\nrelatedNews:\n  - name: "Ouverture de l\'appel"\n    createdAt: 2026-01-15\n'
        '    summary: Douze sujets\n  - name: ""\nrelatedEvents:\n  - name: ""\n  - description: sans nom\n'
        'relatedPeople:\n  - firstname: ""\n    lastname: ""\n---\nTexte.\n',
        encoding="utf-8",
    )
    status, out, _err = run(page)
    assert status == 0
    assert out.splitlines()[1:] == [
        "actualités : 1 créé(s), 0 mis à jour, 0 inchangé(s), 1 ignoré(s) sans nom",
        "événements : 0 créé(s), 0 mis à jour, 0 inchangé(s), 2 ignoré(s) sans nom",
        "personnes : 0 créé(s), 0 mis à jour, 0 inchangé(s), 1 ignoré(s) sans nom",
    ]
    news = NewsItem.objects.get()
    assert (news.slug, news.summary_fr, news.published_at.isoformat()) == (
        "ouverture-de-lappel",
        "Douze sujets",
        "2026-01-14T23:00:00+00:00",
    )
