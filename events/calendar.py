"""iCalendar (ICS) export of events, one file per event and one feed for all."""

import datetime as dt

from django.conf import settings
from django.utils import timezone, translation
from icalendar import Calendar
from icalendar import Event as ICalEvent

from .models import Event


def ics(events: list[Event], request=None) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Ville de Paris//Programme CIFRE//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "CIFRE Ville de Paris")
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    lang = translation.get_language() or "fr"
    for event in events:
        if event.start is None:
            continue
        entry = ICalEvent()
        entry.add("uid", f"event-{event.pk}@cifre.paris")
        entry.add("dtstamp", event.updated_at.astimezone(dt.UTC))
        entry.add("last-modified", event.updated_at.astimezone(dt.UTC))
        entry.add("dtstart", timezone.localtime(event.start))
        entry.add("dtend", timezone.localtime(event.end or event.start + dt.timedelta(hours=2)))
        entry.add("summary", event.tr.title)
        if text := (event.tr.summary or event.tr.description):
            entry.add("description", text)
        if event.location:
            entry.add("location", event.location)
        entry.add("url", settings.SITE_URL + event.get_absolute_url())
        entry.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
        entry.add("language", lang)
        cal.add_component(entry)
    cal.add_missing_timezones()
    return cal.to_ical()
