"""Every page of every role, found by following links: for the width, accessibility and screenshot checks.

``demo_accounts()`` names one demo account per role (``None``: a visitor). ``pages_of(client)`` follows
every same-site link (GET) from the role's landing pages with Django's test client and returns the
HTML pages it reached with status 200, at most ``PER_SHAPE`` pages of each shape of path (digits
replaced: ``/conventions/12/`` and ``/conventions/31/`` are one shape), so a list of 200 dossiers
costs two visits, not 200. Downloads, the Django admin, sign-out and static files are left out.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

PER_SHAPE = 1
NOT_FOLLOWED = ("/compte/logout/", "/admin/", "/static/", "/media/", "/en/compte/logout/", "/en/admin/")
STARTS = ("/", "/espace/")
ROLES = {
    "visitor": None,
    "candidate": "candidat@demo.cifre.test",
    "candidate_submitted": "candidat1@demo.cifre.test",
    "doctoral_student": "doctorant@demo.cifre.test",
    "evaluator": "evaluateur@demo.cifre.test",
    "department": "direction@demo.cifre.test",
    "staff": "staff@demo.cifre.test",
}


class _Links(HTMLParser):
    def __init__(self, every: bool = False):
        super().__init__()
        self.every = every
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        followed = self.every or "download" not in values
        if values.get("href") and ((tag == "a" and followed) or (tag == "link" and self.every)):
            self.links.append(values["href"])
        elif self.every and tag == "form" and values.get("action") and (values.get("method") or "get").lower() == "get":
            self.links.append(values["action"])


def links_in(html: str, every: bool = False) -> list[str]:
    """The links of a page: its ``<a href>`` (without downloads); ``every``: downloads, ``<link>`` and GET forms too."""
    parser = _Links(every)
    parser.feed(html)
    return parser.links


def shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def demo_accounts() -> dict:
    from accounts.models import User

    return {role: (User.objects.get(email=email) if email else None) for role, email in ROLES.items()}


def pages_of(client, starts=STARTS, limit: int = 400, english: bool = True) -> list[str]:
    """The HTML pages (paths) reachable by links from ``starts`` for ``client``'s user (``english``:
    also the English pages the language switch leads to)."""
    seen: set[str] = set()
    shapes: dict[str, int] = {}
    pages: list[str] = []
    queue = list(starts)
    while queue and len(seen) < limit:
        path = urlsplit(queue.pop(0)).path
        if path in seen or not path.startswith("/") or path.startswith(NOT_FOLLOWED):
            continue
        if not english and path.startswith("/en/"):
            continue
        if shapes.get(shape(path), 0) >= PER_SHAPE:
            continue
        seen.add(path)
        shapes[shape(path)] = shapes.get(shape(path), 0) + 1
        response = client.get(path)
        if response.status_code in (301, 302):
            queue.append(urljoin(path, response["Location"]))
            continue
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        pages.append(path)
        for link in links_in(response.content.decode("utf-8", "replace")):
            target = urlsplit(urljoin(path, link))
            if target.netloc in ("", "testserver") and target.scheme in ("", "http"):
                queue.append(target.path)
    return pages
