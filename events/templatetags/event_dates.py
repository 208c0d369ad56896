"""``{% event_when event %}``: an event's date and hours, the date written once when it starts and ends the same day.

"22 décembre 2026, 14:00 – 17:00" rather than "22 décembre 2026 14:00 – 22 décembre 2026 17:00"; an event over
several days keeps both dates. Times are shown in Europe/Paris, formats follow the active language.
"""

from django import template
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.html import format_html

register = template.Library()


def when_text(start, end) -> str:
    """The plain text of the dates (also used by e-mails and tests)."""
    if start is None:
        return ""
    start = timezone.localtime(start)
    if end is None or end <= start:
        return date_format(start, "DATETIME_FORMAT")
    end = timezone.localtime(end)
    if end.date() == start.date():
        day, hours = date_format(start, "DATE_FORMAT"), time_format(start, "TIME_FORMAT")
        return f"{day}, {hours} – {time_format(end, 'TIME_FORMAT')}"
    return f"{date_format(start, 'DATETIME_FORMAT')} – {date_format(end, 'DATETIME_FORMAT')}"


@register.simple_tag
def event_when(event):
    start, end = event.start, event.end
    if start is None:
        return ""
    local_start = timezone.localtime(start)
    if end is None or end <= start:
        text = date_format(local_start, "DATETIME_FORMAT")
        return format_html('<time datetime="{}">{}</time>', start.isoformat(), text)
    local_end = timezone.localtime(end)
    if local_end.date() == local_start.date():
        return format_html(
            '<time datetime="{}">{}, {}</time> – <time datetime="{}">{}</time>',
            start.isoformat(),
            date_format(local_start, "DATE_FORMAT"),
            time_format(local_start, "TIME_FORMAT"),
            end.isoformat(),
            time_format(local_end, "TIME_FORMAT"),
        )
    return format_html(
        '<time datetime="{}">{}</time> – <time datetime="{}">{}</time>',
        start.isoformat(),
        date_format(local_start, "DATETIME_FORMAT"),
        end.isoformat(),
        date_format(local_end, "DATETIME_FORMAT"),
    )


@register.simple_tag
def event_when_text(event):
    """The same, as plain text (e-mails)."""
    return when_text(event.start, event.end)
