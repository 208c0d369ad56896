"""Any change to the site's content invalidates the cached public pages.

The call for applications is shown too (call page, home block, sitemap): a call or a theme saved
or deleted by staff also invalidates them. ``applications`` does not know about this cache (it
must not depend on the public site); the models are named by ``applications.queries``, the only
module of that app the public site reads. The call's opening and closing need no signal: those
pages expire at that moment (``events.calls``).
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from applications.queries import PUBLIC_MODELS

from .cache import bump_version
from .images import delete_image
from .models import Event, NewsItem, Page, Person, Registration


def _changed(sender, **kwargs):
    bump_version()


def _delete_picture(sender, instance, **kwargs):
    """A deleted object's picture and its sizes leave the public folder once the deletion is committed."""
    name = instance.image.name if instance.image else ""
    if name:
        transaction.on_commit(lambda: delete_image(name))


def connect() -> None:
    for model in (Page, NewsItem, Event, Person):
        post_delete.connect(_delete_picture, sender=model, dispatch_uid=f"events-picture-delete-{model.__name__}")
    for model in (Page, NewsItem, Event, Person, Registration, *PUBLIC_MODELS):
        post_save.connect(_changed, sender=model, dispatch_uid=f"events-cache-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"events-cache-delete-{model.__name__}")
    for through in (Page.news.through, Page.events.through, Page.people.through):
        m2m_changed.connect(_changed, sender=through, dispatch_uid=f"events-cache-m2m-{through.__name__}")
