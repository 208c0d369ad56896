"""The sitemap. Its addresses are built from ``SITE_URL``, like the canonical links, the calendar
files and the e-mails, not from the request or the Sites framework's record: one public address."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils import timezone

from .models import Event, NewsItem, Page, Person


class I18nSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class StaticSitemap(I18nSitemap):
    def items(self):
        # The call page always exists: it shows the current call, the next one or "no call at the moment".
        return ["events:home", "events:call", "events:news_list", "events:event_list", "events:people_list"]

    def location(self, item):
        return reverse(item)


class PageSitemap(I18nSitemap):
    def items(self):
        return Page.objects.order_by("slug")

    def lastmod(self, obj):
        return obj.updated_at


class NewsSitemap(I18nSitemap):
    def items(self):
        return NewsItem.objects.filter(is_published=True, published_at__lte=timezone.now())

    def lastmod(self, obj):
        return obj.updated_at


class EventSitemap(I18nSitemap):
    def items(self):
        return Event.objects.order_by("id")

    def lastmod(self, obj):
        return obj.updated_at


class PersonSitemap(I18nSitemap):
    def items(self):
        return Person.objects.filter(consent=True).order_by("id")

    def lastmod(self, obj):
        return obj.updated_at


SITEMAPS = {
    "static": StaticSitemap,
    "pages": PageSitemap,
    "news": NewsSitemap,
    "events": EventSitemap,
    "people": PersonSitemap,
}
