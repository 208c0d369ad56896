"""Import of the current site's pages: Markdown with YAML front matter.

The front matter holds ``title``, ``url``, ``date``, ``picture``, ``color`` and the lists
``relatedNews``, ``relatedEvents`` (``bookingState``, ``createdAt``, ``description``, ``image``,
``name``, ``outside``, ``start``, ``state``, ``summary``, ``eventType``, ``url``) and
``relatedPeople`` (``firstname``, ``lastname``, ``image``). The body is the page's French text.

Reading rules (stated in the README):
- an entry without a name is skipped and counted;
- an event whose ``start`` is empty is imported without a date and shown as "date à venir",
  with registration closed until staff set a date and open it;
- imported people were already shown on the public site, which is taken as their consent;
  their role is not in the file, so it is left "non précisé" for staff to fill;
- ``picture`` and ``image`` are addresses on other sites: they are kept in ``image_origin``
  ("adresse d'origine de l'image"), shown to staff in the admin and never put in a page (no
  hot-linking); staff upload the picture itself to publish it;
- only French fields are written, so a second run keeps the English translations staff added,
  and an object is saved only when a field really changes (a second run changes nothing).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import slugify

from .models import Event, NewsItem, Page, Person

PARIS = ZoneInfo("Europe/Paris")
EVENT_TYPES = {
    "seminar": Event.Type.SEMINAR, "séminaire": Event.Type.SEMINAR, "seminaire": Event.Type.SEMINAR,
    "training": Event.Type.TRAINING, "formation": Event.Type.TRAINING,
    "workshop": Event.Type.WORKSHOP, "atelier": Event.Type.WORKSHOP,
    "experience": Event.Type.EXPERIENCE, "partage d'expérience": Event.Type.EXPERIENCE,
    "experience sharing": Event.Type.EXPERIENCE,
}  # fmt: skip
CANCELLED_STATES = {"cancelled", "canceled", "annulé", "annule", "annulée"}


class ImportFileError(Exception):
    """A malformed file: the message says why."""


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0

    def __str__(self):
        return (
            f"{self.created} créé(s), {self.updated} mis à jour, {self.unchanged} inchangé(s), "
            f"{self.skipped} ignoré(s) sans nom"
        )


@dataclass
class Summary:
    pages: Counts = field(default_factory=Counts)
    news: Counts = field(default_factory=Counts)
    events: Counts = field(default_factory=Counts)
    people: Counts = field(default_factory=Counts)

    def lines(self) -> list[str]:
        return [
            f"pages : {self.pages}",
            f"actualités : {self.news}",
            f"événements : {self.events}",
            f"personnes : {self.people}",
        ]


@dataclass
class ParsedPage:
    slug: str
    fields: dict
    news: list[dict]
    events: list[dict]
    people: list[dict]
    skipped_news: int = 0
    skipped_events: int = 0
    skipped_people: int = 0


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str | int | float):
        return str(value).strip()
    raise ImportFileError(f"« {value!r} » n'est pas un texte")


def _when(value, where: str) -> dt.datetime | None:
    """A date or date-time (Europe/Paris when no zone is given), or None when empty."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime.combine(value, dt.time(0, 0))
    elif isinstance(value, str):
        try:
            parsed = parse_datetime(value.strip())
            if parsed is None and (day := parse_date(value.strip())):
                parsed = dt.datetime.combine(day, dt.time(0, 0))
        except ValueError:
            parsed = None
        if parsed is None:
            raise ImportFileError(f"{where} : « {value} » n'est pas une date")
    else:
        raise ImportFileError(f"{where} : « {value!r} » n'est pas une date")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=PARIS)


def _entries(meta: dict, key: str) -> list[dict]:
    items = meta.get(key) or []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ImportFileError(f"{key} doit être une liste d'entrées")
    return items


def parse_file(path: Path) -> ParsedPage:
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFileError(f"lecture impossible ({exc.__class__.__name__}: {exc})")
    if not raw.startswith("---"):
        raise ImportFileError("pas d'en-tête YAML (le fichier doit commencer par ---)")
    parts = raw.split("\n---", 1)
    if len(parts) != 2:
        raise ImportFileError("en-tête YAML non terminé (--- manquant)")
    header, body = parts[0][3:], parts[1].split("\n", 1)[1] if "\n" in parts[1] else ""
    try:
        meta = yaml.safe_load(header)
    except yaml.YAMLError as exc:
        raise ImportFileError(f"YAML invalide ({str(exc).splitlines()[0]})")
    except ValueError as exc:  # PyYAML builds dates itself: "date: 2023-02-30" fails here
        raise ImportFileError(f"YAML invalide : date impossible ({exc})")
    if not isinstance(meta, dict):
        raise ImportFileError("l'en-tête YAML doit être un dictionnaire")
    title = _text(meta.get("title"))
    if not title:
        raise ImportFileError("titre manquant (title)")
    slug = _text(meta.get("slug")) or slugify(path.stem)
    slug = slugify(slug.removesuffix("-page")) or "page"
    published = _when(meta.get("date"), "date")
    page_fields = {
        "title_fr": title,
        "body_fr": body.strip() + "\n",
        "image_origin": _text(meta.get("picture")),
        "colour": _text(meta.get("color")),
        "source_url": _text(meta.get("url")),
        "published_on": published.astimezone(PARIS).date() if published else None,
    }
    parsed = ParsedPage(slug=slug, fields=page_fields, news=[], events=[], people=[])

    for i, item in enumerate(_entries(meta, "relatedNews")):
        where = f"relatedNews[{i}]"
        name = _text(item.get("name"))
        created = _when(item.get("createdAt"), f"{where}.createdAt")
        _when(item.get("start"), f"{where}.start")
        if not name or not slugify(name):
            parsed.skipped_news += 1
            continue
        news = {
            "slug": slugify(name)[:120],
            "title_fr": name,
            "summary_fr": _text(item.get("summary")),
            "body_fr": _text(item.get("description")),
            "image_origin": _text(item.get("image")),
        }
        if created:
            news["published_at"] = created
        parsed.news.append(news)

    for i, item in enumerate(_entries(meta, "relatedEvents")):
        where = f"relatedEvents[{i}]"
        name = _text(item.get("name"))
        start = _when(item.get("start"), f"{where}.start")
        _when(item.get("createdAt"), f"{where}.createdAt")
        if not name or not slugify(name):
            parsed.skipped_events += 1
            continue
        parsed.events.append(
            {
                "slug": slugify(name)[:120],
                "title_fr": name,
                "start": start,
                "summary_fr": _text(item.get("summary")),
                "description_fr": _text(item.get("description")),
                "image_origin": _text(item.get("image")),
                "outside_address": _text(item.get("outside")),
                "event_type": EVENT_TYPES.get(_text(item.get("eventType")).lower(), Event.Type.OTHER),
                "external_url": _text(item.get("url")),
                "booking_state": _text(item.get("bookingState")),
                "cancelled": _text(item.get("state")).lower() in CANCELLED_STATES,
            }
        )

    for item in _entries(meta, "relatedPeople"):
        first, last = _text(item.get("firstname")), _text(item.get("lastname"))
        if not (first or last) or not slugify(f"{first} {last}"):
            parsed.skipped_people += 1
            continue
        parsed.people.append(
            {
                "slug": slugify(f"{first} {last}")[:120],
                "first_name": first or last,
                "last_name": last if first else "",
                "image_origin": _text(item.get("image")),
            }
        )
    return parsed


def _upsert(model, slug: str, values: dict, counts: Counts, create_defaults: dict | None = None):
    obj = model.objects.filter(slug=slug).first()
    if obj is None:
        obj = model(slug=slug, **(create_defaults or {}), **values)
        _validate(obj, slug)
        obj.save()
        counts.created += 1
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        _validate(obj, slug)
        obj.save(update_fields=[*changed, "updated_at"])
        counts.updated += 1
    else:
        counts.unchanged += 1
    return obj


def _validate(obj, slug: str) -> None:
    try:
        obj.full_clean(exclude=["slug"], validate_unique=False)
    except ValidationError as exc:
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        raise ImportFileError(f"{obj._meta.verbose_name} « {slug} » : {details}")


def import_files(paths: list[Path]) -> Summary:
    """Parse every file, then write them all in one transaction; any error writes nothing.

    Raises ``ImportFileError`` with ``path`` set on the exception.
    """
    parsed_pages = []
    for path in paths:
        try:
            parsed_pages.append((path, parse_file(path)))
        except ImportFileError as exc:
            exc.path = path
            raise
    summary = Summary()
    with transaction.atomic():
        for path, parsed in parsed_pages:
            try:
                _write(parsed, summary)
            except ImportFileError as exc:
                exc.path = path
                raise
    return summary


def _write(parsed: ParsedPage, summary: Summary) -> None:
    summary.news.skipped += parsed.skipped_news
    summary.events.skipped += parsed.skipped_events
    summary.people.skipped += parsed.skipped_people
    news = [_upsert(NewsItem, v.pop("slug"), v, summary.news) for v in [dict(n) for n in parsed.news]]
    events = [_upsert(Event, v.pop("slug"), v, summary.events) for v in [dict(e) for e in parsed.events]]
    people = [
        _upsert(Person, v.pop("slug"), v, summary.people, create_defaults={"consent": True})
        for v in [dict(p) for p in parsed.people]
    ]
    page = _upsert(Page, parsed.slug, dict(parsed.fields), summary.pages)
    relations_changed = False
    for manager, objs in ((page.news, news), (page.events, events), (page.people, people)):
        if set(manager.values_list("pk", flat=True)) != {o.pk for o in objs}:
            manager.set(objs)
            relations_changed = True
    if relations_changed and summary.pages.unchanged and page.updated_at and not summary.pages.created:
        page.save(update_fields=["updated_at"])
        summary.pages.unchanged -= 1
        summary.pages.updated += 1
