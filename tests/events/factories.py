"""Factories of the public site. Traits name the states a test needs: ``full``, ``past``, ``cancelled``."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from events.models import Event, NewsItem, Page, Person, Registration


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Page
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"page-{n}")
    title_fr = factory.Sequence(lambda n: f"Page {n}")
    body_fr = "Un **texte** en français."


class NewsItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsItem

    slug = factory.Sequence(lambda n: f"actualite-{n}")
    title_fr = factory.Sequence(lambda n: f"Actualité {n}")
    summary_fr = "Résumé en français."
    body_fr = "Texte en français."
    published_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    slug = factory.Sequence(lambda n: f"evenement-{n}")
    title_fr = factory.Sequence(lambda n: f"Séminaire {n}")
    event_type = Event.Type.SEMINAR
    start = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=10))
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(hours=2) if o.start else None)
    place = "IEA de Paris"
    summary_fr = "Résumé de l'événement."
    capacity = 2
    registration_open = True

    class Params:
        past = factory.Trait(start=factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=10)))
        cancelled_trait = factory.Trait(cancelled=True)
        undated = factory.Trait(start=None, end=None, registration_open=False)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    slug = factory.Sequence(lambda n: f"personne-{n}")
    first_name = factory.Sequence(lambda n: f"Prénom{n}")
    last_name = "Nom"
    role = Person.Role.DOCTORAL_STUDENT
    thesis_title_fr = "Une thèse"
    year_start = 2024
    year_end = None
    consent = True


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Visiteur {n}")
    email = factory.Sequence(lambda n: f"visiteur{n}@example.org")
    consent = True
    status = Registration.Status.CONFIRMED

    class Params:
        waiting = factory.Trait(status=Registration.Status.WAITING)
