"""`make run HOST=…`: SITE_URL follows the port served unless the environment or .env sets it, and every
absolute address the application writes (sitemap, canonical links, calendar files, e-mails, the Sites
record) comes from SITE_URL."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.sites.models import Site
from django.core import mail
from icalendar import Calendar

from accounts.site import sync_site
from events import services
from tests.events.factories import EventFactory

ROOT = Path(__file__).resolve().parent.parent
PORT_8101 = "http://127.0.0.1:8101"


def _make_run(tmp_path, *args: str, dotenv: str | None = None, **env: str) -> list[str]:
    """The commands `make -n run` would type, in a copy of the Makefile with an up-to-date virtualenv."""
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "requirements").mkdir()
    for name in ("base.txt", "dev.txt"):
        (tmp_path / "requirements" / name).write_text("")
    (tmp_path / ".venv").mkdir()
    os.utime(tmp_path / "requirements" / "base.txt", (0, 0))
    os.utime(tmp_path / "requirements" / "dev.txt", (0, 0))
    (tmp_path / ".venv" / ".installed").write_text("")
    if dotenv is not None:
        (tmp_path / ".env").write_text(dotenv)
    base = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "HOST", "MAKEFLAGS", "MFLAGS"}}
    result = subprocess.run(
        ["make", "-n", "run", *args],
        cwd=tmp_path,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [line for line in result.stdout.splitlines() if " manage.py " in line and "DEBUG=true" in line]


def test_make_run_gives_site_url_the_port_it_serves(tmp_path):
    assert _make_run(tmp_path, "HOST=127.0.0.1:8101") == [
        "DEBUG=true SITE_URL=http://127.0.0.1:8101 .venv/bin/python manage.py migrate --noinput",
        "DEBUG=true SITE_URL=http://127.0.0.1:8101 .venv/bin/python manage.py seed_demo",
        "DEBUG=true SITE_URL=http://127.0.0.1:8101 .venv/bin/python manage.py runserver 127.0.0.1:8101",
    ]


def test_make_run_defaults_to_port_8000(tmp_path):
    assert _make_run(tmp_path)[-1] == (
        "DEBUG=true SITE_URL=http://127.0.0.1:8000 .venv/bin/python manage.py runserver 127.0.0.1:8000"
    )


@pytest.mark.parametrize(
    "how",
    ["environment", "command line", ".env", ".env with export"],
)
def test_a_site_url_set_elsewhere_is_kept(tmp_path, how):
    env, args, dotenv = {}, ["HOST=127.0.0.1:8101"], None
    if how == "environment":
        env = {"SITE_URL": "https://cifre.example.org"}
    elif how == "command line":
        args.append("SITE_URL=https://cifre.example.org")
    elif how == ".env":
        dotenv = "DEBUG=false\nSITE_URL=https://cifre.example.org\n"
    else:
        dotenv = "export SITE_URL=https://cifre.example.org\n"
    assert _make_run(tmp_path, *args, dotenv=dotenv, **env)[-1] == (
        "DEBUG=true  .venv/bin/python manage.py runserver 127.0.0.1:8101"
    )


def test_a_commented_site_url_in_dotenv_does_not_count(tmp_path):
    lines = _make_run(tmp_path, "HOST=127.0.0.1:8101", dotenv="# SITE_URL=https://cifre.example.org\n")
    assert lines[-1] == "DEBUG=true SITE_URL=http://127.0.0.1:8101 .venv/bin/python manage.py runserver 127.0.0.1:8101"


def _settings_site_url(**env: str) -> str:
    dropped = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "SITE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SITE_URL)"],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "cifre.settings", "DEBUG": "true", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_settings_read_site_url_from_the_environment_without_a_trailing_slash():
    assert _settings_site_url(SITE_URL="http://127.0.0.1:8101/") == PORT_8101


@pytest.mark.django_db
def test_sitemap_canonical_links_calendars_and_emails_use_site_url(
    client, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = PORT_8101
    event = EventFactory(slug="seminaire", title_fr="Séminaire")

    sitemap = client.get("/sitemap.xml").content.decode()
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    alternates = re.findall(r'<xhtml:link rel="alternate" hreflang="[^"]+" href="([^"]+)"', sitemap)
    assert len(locations) > 0
    assert [u for u in locations + alternates if not u.startswith(PORT_8101 + "/")] == []
    assert f"<loc>{PORT_8101}/evenements/seminaire/</loc>" in sitemap

    page = client.get("/evenements/seminaire/").content.decode()
    assert f'<link rel="canonical" href="{PORT_8101}/evenements/seminaire/">' in page
    assert f'<link rel="alternate" hreflang="en" href="{PORT_8101}/en/evenements/seminaire/">' in page
    assert client.get("/robots.txt").content.decode().splitlines()[-1] == f"Sitemap: {PORT_8101}/sitemap.xml"

    vevent = Calendar.from_ical(client.get("/evenements/seminaire.ics").content).walk("VEVENT")[0]
    assert str(vevent["URL"]) == f"{PORT_8101}/evenements/seminaire/"

    with django_capture_on_commit_callbacks(execute=True):
        services.register(event.pk, name="Léa Martin", email="lea@example.org", consent=True)
    links = re.findall(r"https?://\S+", mail.outbox[0].body)
    assert len(links) == 2
    assert [u for u in links if not u.startswith(PORT_8101 + "/")] == []

    sync_site(using="default")  # after every migration: allauth's e-mails name the site
    assert Site.objects.get_current().domain == "127.0.0.1:8101"
