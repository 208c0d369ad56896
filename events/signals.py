"""Any change to the site's content invalidates the cached public pages."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from .cache import bump_version
from .models import Event, NewsItem, Page, Person, Registration


def _changed(sender, **kwargs):
    bump_version()


def connect() -> None:
    for model in (Page, NewsItem, Event, Person, Registration):
        post_save.connect(_changed, sender=model, dispatch_uid=f"events-cache-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"events-cache-delete-{model.__name__}")
    for through in (Page.news.through, Page.events.through, Page.people.through):
        m2m_changed.connect(_changed, sender=through, dispatch_uid=f"events-cache-m2m-{through.__name__}")
