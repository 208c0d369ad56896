# ruff: noqa: E501 - long lines of Markdown prose
"""Demonstration content: the imported programme page, news, events (past, upcoming, full,
cancelled), people and registrations. Idempotent: objects are found by slug or e-mail.

The programme page is the programme's own public page (``data/programme-page.md``), shipped with
the app so that a fresh clone shows the whole site: nothing is read from outside the repository.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from django.utils import timezone

from .images import reencode
from .importer import import_files
from .models import Event, NewsItem, Page, Person, Registration

PARIS = ZoneInfo("Europe/Paris")
SEED_PAGE = Path(__file__).resolve().parent / "data" / "programme-page.md"

PROGRAMME_EN = """## The CIFRE scheme

CIFRE (industrial agreements for training through research), run by ANRT on behalf of the French ministry for higher education and research, helps companies and local authorities hire doctoral students while they prepare their thesis.

The scheme has two aims:

- help doctoral students into employment by giving them a job;
- encourage collaborations between research laboratories and companies or local authorities.

## What the City of Paris does

Under the CIFRE scheme, the City of Paris hosts doctoral students in its departments, on thesis subjects that address the City's priorities. The City signed its first CIFRE contracts in 2009; since 2018, doctoral students are selected through a yearly call for applications.

Working in a municipal department whose activity is their research subject, these young researchers get a unique view of a large local authority. In return, their research gives the City a capacity for reflection and analysis on its public policies.

## The role of the IEA de Paris

A partner of the City of Paris, the Paris Institute for Advanced Study helps the City improve the scheme. It organises special seminars, training sessions, workshops, methodological advice and experience-sharing, and runs the scientific evaluation of the applications.
"""

NEWS = [
    ("appel-a-candidatures-2027", "Appel à candidatures 2027 : ouverture le 15 janvier",
     "Call for applications 2027: opening on 15 January",
     "Les directions de la Ville proposent cette année douze sujets de thèse.",
     "The City's departments propose twelve thesis subjects this year.", -3),
    ("bilan-promotion-2023", "Trois soutenances de thèse pour la promotion 2023",
     "Three thesis defences for the 2023 cohort",
     "Urbanisme, santé environnementale et participation citoyenne : retour sur trois thèses soutenues cet automne.",
     "Urban planning, environmental health and citizen participation: three theses defended this autumn.", -20),
    ("partenariat-iea", "L'IEA de Paris renouvelle son partenariat avec la Ville",
     "The IEA de Paris renews its partnership with the City",
     "La convention de partenariat est reconduite pour trois ans.",
     "The partnership agreement is renewed for three years.", -45),
    ("journee-doctorants", "Retour sur la journée des doctorant·e·s",
     "Looking back at the doctoral students' day",
     "Quarante participant·e·s ont échangé sur la recherche dans une collectivité.",
     "Forty participants discussed research in a local authority.", -70),
]  # fmt: skip

PEOPLE = [
    ("lea-martin", "Léa", "Martin", Person.Role.DOCTORAL_STUDENT,
     "Îlots de chaleur et végétalisation des cours d'école", "Urban heat islands and greening school yards",
     "Direction de la transition écologique et du climat", "LIED, Université Paris Cité", 2024, 2027, True),
    ("karim-benali", "Karim", "Benali", Person.Role.DOCTORAL_STUDENT,
     "Participation citoyenne et budget participatif", "Citizen participation and participatory budgeting",
     "Direction de la démocratie, des citoyen·ne·s et des territoires", "CESSP, Université Paris 1", 2025, 2028, True),
    ("ines-durand", "Inès", "Durand", Person.Role.ALUMNUS,
     "Logistique urbaine du dernier kilomètre", "Last-mile urban logistics",
     "Direction de la voirie et des déplacements", "LVMT, École des Ponts", 2020, 2023, True),
    ("paul-roux", "Paul", "Roux", Person.Role.TUTOR, "", "",
     "Direction de la santé publique", "", 2022, None, True),
    ("claire-petit", "Claire", "Petit", Person.Role.DOCTORAL_STUDENT,
     "Santé mentale des agents publics", "Mental health of public servants",
     "Direction des ressources humaines", "LIRAES, Université Paris Cité", 2025, 2028, False),
]  # fmt: skip


def _at(days: int, hour: int = 14) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=PARIS)


def _events() -> list[dict]:
    return [
        {"slug": "seminaire-recherche-et-action-publique", "title_fr": "Séminaire : recherche et action publique",
         "title_en": "Seminar: research and public action", "event_type": Event.Type.SEMINAR,
         "start": _at(21, 14), "end": _at(21, 17), "place": "IEA de Paris, 17 quai d'Anjou, 75004 Paris",
         "summary_fr": "Comment une thèse éclaire une politique municipale.",
         "summary_en": "How a thesis informs a municipal policy.",
         "description_fr": "Trois doctorant·e·s présentent leurs travaux et en discutent avec les directions qui les accueillent.",
         "description_en": "Three doctoral students present their work and discuss it with their host departments.",
         "capacity": 40, "registration_open": True},
        {"slug": "atelier-ecrire-pour-les-decideurs", "title_fr": "Atelier : écrire une note pour les décideur·euse·s",
         "title_en": "Workshop: writing a brief for decision-makers", "event_type": Event.Type.WORKSHOP,
         "start": _at(10, 9), "end": _at(10, 12), "place": "Hôtel de Ville, salle des Prévôts",
         "summary_fr": "Un atelier pratique, en petit groupe (complet).",
         "summary_en": "A hands-on workshop in a small group (full).", "capacity": 3, "registration_open": True},
        {"slug": "formation-science-ouverte", "title_fr": "Formation : publier en science ouverte",
         "title_en": "Training: publishing in open science", "event_type": Event.Type.TRAINING,
         "start": _at(35, 10), "end": _at(35, 12), "place": "En ligne / Online", "capacity": None,
         "summary_fr": "HAL, theses.fr et les licences libres.", "summary_en": "HAL, theses.fr and open licences.",
         "cancelled": True},
        {"slug": "partage-experience-promotion-2023", "title_fr": "Partage d'expérience : la promotion 2023",
         "title_en": "Experience sharing: the 2023 cohort", "event_type": Event.Type.EXPERIENCE,
         "start": _at(-30, 18), "end": _at(-30, 20), "place": "IEA de Paris, 17 quai d'Anjou, 75004 Paris",
         "summary_fr": "Les ancien·ne·s racontent leurs trois ans à la Ville.",
         "summary_en": "Alumni tell about their three years at the City.", "capacity": 60, "registration_open": True},
    ]  # fmt: skip


# Pictures drawn by Pillow at seed time (nothing is fetched): two colours of the programme's range
# per picture, with an honest alternative text. Only objects without a picture get one.
PICTURES = {
    NewsItem: {
        "appel-a-candidatures-2027": ((31, 78, 121), (240, 180, 60)),
        "bilan-promotion-2023": ((20, 110, 90), (230, 230, 210)),
        "partenariat-iea": ((120, 40, 80), (250, 200, 190)),
    },
    Event: {
        "seminaire-recherche-et-action-publique": ((40, 60, 120), (180, 210, 240)),
        "atelier-ecrire-pour-les-decideurs": ((150, 70, 20), (250, 225, 170)),
    },
}
PICTURE_ALT = (
    "Illustration abstraite : bandes de couleur en diagonale",
    "Abstract illustration: diagonal colour bands",
)


def _drawn_picture(dark: tuple, light: tuple):
    """A 1600 × 900 JPEG of diagonal bands, re-encoded like any upload."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1600, 900), light)
    draw = ImageDraw.Draw(image)
    for i, x in enumerate(range(-900, 1600, 220)):
        colour = dark if i % 2 else tuple((a + b) // 2 for a, b in zip(dark, light, strict=True))
        draw.polygon([(x, 900), (x + 900, 0), (x + 1010, 0), (x + 110, 900)], fill=colour)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    out.seek(0)
    return reencode(out)


def _pictures() -> None:
    for model, colours in PICTURES.items():
        for obj in model.objects.filter(slug__in=colours, image=""):
            obj.image = _drawn_picture(*colours[obj.slug])
            obj.image_alt_fr, obj.image_alt_en = PICTURE_ALT
            obj.save()


def _upsert(model, slug: str, values: dict) -> tuple[object, bool]:
    obj, created = model.objects.get_or_create(slug=slug, defaults=values)
    if not created:
        changed = [k for k, v in values.items() if getattr(obj, k) != v]
        if changed:
            for k in changed:
                setattr(obj, k, values[k])
            obj.save(update_fields=[*changed, "updated_at"])
    return obj, created


def seed(stdout) -> None:
    summary = import_files([SEED_PAGE])
    stdout.write(f"Site public : page importée depuis {SEED_PAGE.name}")
    for line in summary.lines():
        stdout.write(f"  {line}")
    programme = Page.objects.get(slug="programme")
    if not programme.body_en:
        programme.title_en = "The City of Paris CIFRE doctoral students"
        programme.body_en = PROGRAMME_EN
        programme.summary_fr = (
            "Depuis 2009, la Ville de Paris accueille dans ses services des doctorant·e·s en CIFRE ; "
            "l'IEA de Paris accompagne le programme et évalue les candidatures."
        )
        programme.summary_en = (
            "Since 2009, the City of Paris has hosted CIFRE doctoral students in its departments; "
            "the IEA de Paris supports the programme and evaluates the applications."
        )
        programme.save()
    now = timezone.now()
    for slug, title_fr, title_en, summary_fr, summary_en, days in NEWS:
        # Publication dates are fixed once, at creation: a second run changes nothing.
        if not NewsItem.objects.filter(slug=slug).exists():
            NewsItem.objects.create(
                slug=slug,
                title_fr=title_fr,
                title_en=title_en,
                summary_fr=summary_fr,
                summary_en=summary_en,
                body_fr=summary_fr + "\n\nPlus d'informations auprès de l'équipe du programme.",
                body_en=summary_en + "\n\nMore information from the programme team.",
                published_at=now + dt.timedelta(days=days),
            )
    for slug, first, last, role, thesis_fr, thesis_en, department, lab, start, end, consent in PEOPLE:
        _upsert(
            Person,
            slug,
            {
                "first_name": first, "last_name": last, "role": role, "thesis_title_fr": thesis_fr,
                "thesis_title_en": thesis_en, "host_department": department, "lab": lab, "year_start": start,
                "year_end": end, "consent": consent,
                "theses_fr_url": f"https://theses.fr/?q={last}" if thesis_fr else "",
            },
        )  # fmt: skip
    for values in _events():
        slug = values.pop("slug")
        if Event.objects.filter(slug=slug).exists():
            continue  # dates are relative to the first run: keep them
        Event.objects.create(slug=slug, **values)
    _pictures()
    full = Event.objects.get(slug="atelier-ecrire-pour-les-decideurs")
    for i, name in enumerate(["Alice Moreau", "Bruno Lefèvre", "Chloé Garnier", "David Lambert"]):
        email = f"{name.split()[0].lower()}.demo@example.org"
        status = Registration.Status.CONFIRMED if i < full.capacity else Registration.Status.WAITING
        Registration.objects.get_or_create(
            event=full, email=email, defaults={"name": name, "consent": True, "status": status}
        )
    stdout.write(
        f"Site public : {Page.objects.count()} pages, {NewsItem.objects.count()} actualités, "
        f"{Event.objects.count()} événements, {Person.objects.count()} personnes."
    )
