"""Public site: French at /, English under /en/ (see cifre/urls.py). No second-factor check here."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import views
from .cache import public_cache
from .feeds import NewsAtomFeed, NewsFeed
from .sitemaps import SITEMAPS

app_name = "events"
urlpatterns = [
    path("", views.home, name="home"),
    path("programme/", views.programme, name="programme"),
    path("appel-a-candidatures/", views.call, name="call"),
    path("pages/<slug:slug>/", views.page, name="page"),
    path("actualites/", views.news_list, name="news_list"),
    path("actualites/rss.xml", public_cache(NewsFeed()), name="news_rss"),
    path("actualites/atom.xml", public_cache(NewsAtomFeed()), name="news_atom"),
    path("actualites/<slug:slug>/", views.news_detail, name="news_detail"),
    path("evenements/", views.event_list, name="event_list"),
    path("evenements/calendrier.ics", views.calendar_feed, name="calendar"),
    path("evenements/desinscription/<str:token>/", views.registration_cancel, name="registration_cancel"),
    path("evenements/inscription/<str:token>/", views.registration_done, name="registration_done"),
    path("evenements/<slug:slug>/", views.event_detail, name="event_detail"),
    path("evenements/<slug:slug>.ics", views.event_ics, name="event_ics"),
    path("personnes/", views.people_list, name="people_list"),
    path("personnes/<slug:slug>/", views.person_detail, name="person_detail"),
    path("sitemap.xml", public_cache(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
]
