"""``{% repeats_summary body summary as repeated %}``: true when the body already opens with the summary.

Items imported from the old site (and many typed by hand) start their body with the summary: printing
the summary as a lead above it showed the same paragraph twice. Compared as plain text (Markdown rendered
then tags stripped, spaces collapsed, case ignored), so emphasis or line breaks do not hide a repeat.
"""

import re
from html import unescape

from django import template
from django.utils.html import strip_tags

from ..rendering import render_markdown

register = template.Library()


def plain(text: str) -> str:
    return re.sub(r"\s+", " ", unescape(strip_tags(render_markdown(text or "")))).strip().casefold()


def repeats(body: str, summary: str) -> bool:
    lead = plain(summary).rstrip(" .…")
    return bool(lead) and plain(body).startswith(lead)


@register.simple_tag
def repeats_summary(body, summary):
    return repeats(body, summary)
