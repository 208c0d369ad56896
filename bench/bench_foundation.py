"""Foundation figures: PDF rendering and the cost of the page shell and the login flow.

Standalone: `.venv/bin/python bench/bench_foundation.py` (SQLite in a temporary file; set
DATABASE_URL=postgres://… to measure against PostgreSQL, in a database ``bench_foundation_<pid>`` of
its own, dropped at the end: ``bench/_database.py``). Prints medians of repeated runs.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cifre.settings_test")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench._database import own_database  # noqa: E402


def median_ms(fn, runs: int = 20) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    setup_test_environment()
    with own_database("foundation"):
        measure()


def measure() -> None:
    from cifre.pdf import render_pdf
    from tests.factories import UserFactory

    start = time.perf_counter()
    render_pdf("pdf/base.html", {"title": "Premier rendu", "lines": ["a"]})
    print(f"PDF first render (imports Pango): {(time.perf_counter() - start) * 1000:.0f} ms")
    one_page = median_ms(lambda: render_pdf("pdf/base.html", {"title": "Reçu", "lines": ["a"]}))
    print(f"PDF one page, median: {one_page:.1f} ms")
    lines = [f"Ligne {i}" for i in range(120)]
    table = median_ms(lambda: render_pdf("pdf/base.html", {"title": "T", "lines": lines}), 5)
    print(f"PDF 120-row table (5 pages), median: {table:.0f} ms")

    client = Client()
    client.get("/compte/login/")
    print(
        f"GET login page (shell + allauth elements), median: {median_ms(lambda: client.get('/compte/login/')):.2f} ms"
    )
    user = UserFactory(email="bench@example.org", role="candidate")
    client.force_login(user)
    client.get("/espace/preferences/")
    signed_in = median_ms(lambda: client.get("/espace/preferences/"))
    print(f"GET preferences signed in (roles, second-factor middleware), median: {signed_in:.2f} ms")

    def login_cycle():
        c = Client()
        c.post("/compte/login/", {"login": "bench@example.org", "password": "correct-horse-battery-9"})

    print(f"POST login (MD5 test hasher), median: {median_ms(login_cycle, 10):.1f} ms")


if __name__ == "__main__":
    main()
