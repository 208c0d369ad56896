"""News feeds (RSS 2.0 and Atom) in the visitor's language (Feed uses the active language)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .models import NewsItem


class NewsFeed(Feed):
    title = _("Actualités du programme CIFRE de la Ville de Paris")
    description = _("Les dernières actualités du programme CIFRE de la Ville de Paris.")
    link = reverse_lazy("events:news_list")

    def items(self):
        return NewsItem.objects.filter(is_published=True, published_at__lte=timezone.now())[:20]

    def item_title(self, item):
        return item.tr.title

    def item_description(self, item):
        return item.tr.summary or item.tr.body

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at


class NewsAtomFeed(NewsFeed):
    feed_type = Atom1Feed
    subtitle = NewsFeed.description
