"""Screenshots of every page of every role at 390 and 1280 px: `make screenshots` (into var/screenshots/).

A fresh SQLite database in var/ is migrated and given the demo (``seed_demo``), a development server
serves it on a free port, each demo account's pages are found by following links (``tests.site_pages``,
with Django's test client on the same database, which also gives the session cookie the browser uses),
and Debian's Chromium takes a full-page screenshot of each at each width. It prints one line per
page, then where the pictures are. ``index.html`` beside them shows them all on one page.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "screenshots"
DATABASE = ROOT / "var" / "screenshots.sqlite3"
WIDTHS = (390, 1280)
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> int:
    sys.path.insert(0, str(ROOT))
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{DATABASE}",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "DJANGO_SETTINGS_MODULE": "cifre.settings",
    }
    os.environ.update(env)
    (ROOT / "var").mkdir(exist_ok=True)
    DATABASE.unlink(missing_ok=True)
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "seed_demo"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port)
        return shoot(port)
    finally:
        server.terminate()
        server.wait(timeout=10)


def wait_for(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the development server did not start on port {port}")


def shoot(port: int) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from playwright.sync_api import sync_playwright

    from tests.factories import sign_in
    from tests.site_pages import demo_accounts, pages_of

    base = f"http://127.0.0.1:{port}"
    # Django's client first (its ORM may not run inside Playwright's event loop), then the browser.
    roles = []
    for role, user in demo_accounts().items():
        client = Client(HTTP_HOST=f"127.0.0.1:{port}")
        if user is not None:
            sign_in(client, user)
        cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
        roles.append((role, cookie.value if cookie is not None else None, pages_of(client, english=user is None)))
    shots: list[tuple[str, str, str]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for role, session, paths in roles:
            context = browser.new_context(locale="fr-FR")
            if session is not None:
                context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base}])
            page = context.new_page()
            for path in paths:
                name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "accueil"
                for width in WIDTHS:
                    page.set_viewport_size({"width": width, "height": 900})
                    page.goto(base + path)
                    file = OUT / role / f"{name}-{width}.png"
                    file.parent.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(file), full_page=True)
                    shots.append((role, path, str(file.relative_to(OUT))))
                print(f"{role:20} {path}")
            context.close()
        browser.close()
    index = ["<!doctype html><meta charset=utf-8><title>Screenshots</title><h1>Screenshots</h1>"]
    for role, path, file in shots:
        index.append(f"<h2>{html.escape(role)} {html.escape(path)}</h2><img src='{html.escape(file)}' width=400>")
    (OUT / "index.html").write_text("\n".join(index), encoding="utf-8")
    print(f"{len(shots)} screenshots in {OUT} (open {OUT / 'index.html'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
