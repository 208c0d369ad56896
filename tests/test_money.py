"""Money, one way everywhere (issue 12): ``3 500,00 €`` in French, ``€3,500.00`` in English.

The formatter (``cifre.money.format_money``, the ``money`` filter), the rounding of sums in the query
(``Cents``: SQLite sums decimals as floats), e-mails, and the page test the issue asks for: the demo is
seeded once for the module, every page of every demo role is reached by following links from its
landing pages, in French and in English, and every amount found next to a "€" (in the page text or a
downloaded PDF's) has exactly two decimals and its thousands separator. CI runs this module on
PostgreSQL (``.ci/run`` sets ``DATABASE_URL``), locally it runs on SQLite: both must print the same.
"""

from __future__ import annotations

import html
import io
import re
from collections import Counter
from decimal import Decimal
from io import StringIO
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from django.template import Context, Template
from django.test import Client, TestCase, override_settings
from django.utils import translation

from cifre.money import Cents, format_money
from tests.factories import sign_in

NNBSP, NBSP = "\u202f", "\u00a0"

# --- The formatter ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "french", "english"),
    [
        (Decimal("3500"), f"3{NNBSP}500,00{NBSP}€", "€3,500.00"),
        (Decimal("1166.67000000000"), f"1{NNBSP}166,67{NBSP}€", "€1,166.67"),
        (Decimal("86220.4300000000"), f"86{NNBSP}220,43{NBSP}€", "€86,220.43"),
        (Decimal("108086.02"), f"108{NNBSP}086,02{NBSP}€", "€108,086.02"),
        (Decimal("0"), f"0,00{NBSP}€", "€0.00"),
        (Decimal("0.005"), f"0,01{NBSP}€", "€0.01"),  # half away from zero, like the rules' rounding
        (Decimal("-3500.5"), f"-3{NNBSP}500,50{NBSP}€", "-€3,500.50"),  # a credit note
        (1234567, f"1{NNBSP}234{NNBSP}567,00{NBSP}€", "€1,234,567.00"),
        ("602.15", f"602,15{NBSP}€", "€602.15"),
    ],
)
def test_one_formatter_follows_the_active_language(amount, french, english):
    assert format_money(amount, "fr") == french
    assert format_money(amount, "en") == english
    for language, expected in (("fr", french), ("en", english), ("en-gb", english)):
        with translation.override(language):
            assert format_money(amount) == expected
            assert Template("{% load money %}{{ amount|money }}").render(Context({"amount": amount})) == expected


@pytest.mark.parametrize("value", [None, "", "abc", "NaN", "Infinity", True, object()])
def test_the_filter_prints_nothing_for_what_is_not_an_amount(value):
    assert format_money(value) == ""
    assert Template('{% load money %}{{ v|money|default:"—" }}').render(Context({"v": value})) == "—"


@pytest.mark.django_db
def test_sums_are_rounded_to_the_cent_in_the_query(example_convention_with_payments):
    """SQLite returns ``1166.67000000000`` for a plain ``Sum``; ``Cents(Sum(...))`` gives two places on both."""
    from subsidies.models import Payment

    invoice = example_convention_with_payments
    plain = Payment.objects.filter(invoice=invoice).aggregate(total=Sum("amount"))["total"]
    rounded = Payment.objects.filter(invoice=invoice).aggregate(total=Cents(Sum("amount")))["total"]
    assert plain == Decimal("1166.67")  # the value is right; its text was not on SQLite
    assert str(rounded) == "1166.67"
    assert Payment.objects.none().aggregate(total=Cents(Sum("amount")))["total"] is None


@pytest.fixture
def example_convention_with_payments(db, staff):
    """An invoice of 3,500.00 € paid 1,166.67 € in three parts whose float sum is not exact (0.1 + 0.2 …)."""
    import datetime as dt

    from subsidies.domain import invoicing
    from subsidies.domain.sweep import sweep
    from tests.subsidies.factories import EXAMPLE_A_RECEIVED, make_convention

    make_convention(dt.date(2025, 3, 17), as_of=dt.date(2026, 6, 1), received=EXAMPLE_A_RECEIVED)
    sweep(dt.date(2026, 6, 1))
    _first, invoice = invoicing.issue_invoices(
        [i.pk for i in invoicing.invoiceable()], staff, issued_on=dt.date(2026, 6, 2)
    )
    for part in ("0.10", "0.20", "1166.37"):
        invoicing.record_payment(invoice.pk, Decimal(part), dt.date(2026, 6, 3), staff, as_of=dt.date(2026, 6, 30))
    assert invoicing.paid_amount(invoice) == Decimal("1166.67")
    return invoice


# --- E-mails ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_e_mails_write_amounts_with_the_formatter_in_their_language():
    from notifications import catalogue, services

    context = catalogue.SAMPLE_CONTEXT["quarterly_summary"] | {"withheld_count": 2, "withheld_total": Decimal("7000")}
    french = services.render("quarterly_summary", "fr", context).body
    english = services.render("quarterly_summary", "en", context).body
    assert f"pour un total de 3{NNBSP}500,00{NBSP}€." in french
    assert f"({NBSP}" not in french and f"(7{NNBSP}000,00{NBSP}€)" in french
    assert "EUR" not in english and "€3,500.00 in total" in english and "(€7,000.00)" in english
    risk = services.render("obligation_forfeit_soon", "en", catalogue.SAMPLE_CONTEXT["obligation_forfeit_soon"])
    assert "(€37,935.48)" in risk.body


@pytest.mark.django_db
def test_a_stored_former_default_is_brought_up_to_date_and_a_staff_edit_is_kept():
    from notifications import catalogue
    from notifications.models import EmailTemplate

    former_subject, former_body = catalogue.former_default("quarterly_summary", "fr")
    assert "{{ ready_total }} €" in former_body
    EmailTemplate.objects.filter(key="quarterly_summary", language="fr").update(body=former_body)
    EmailTemplate.objects.filter(key="quarterly_summary", language="en").update(body="Edited: EUR {{ ready_total }}")
    catalogue.ensure_default_templates()
    assert (
        EmailTemplate.objects.get(key="quarterly_summary", language="fr").body
        == (catalogue.DEFAULTS[("quarterly_summary", "fr")][1])
    )
    assert EmailTemplate.objects.get(key="quarterly_summary", language="en").body == "Edited: EUR {{ ready_total }}"


# --- Every page of every role, with the demo ------------------------------------------------------------

DEMO_ROLES = {
    "visitor": None,
    "candidate": "candidat@demo.cifre.test",
    "doctoral_student": "doctorant@demo.cifre.test",
    "evaluator": "evaluateur@demo.cifre.test",
    "staff": "staff@demo.cifre.test",
    "admin": "admin@demo.cifre.test",
}
# Where each crawl starts: the landing pages, and the staff's money screens (also linked from the shell).
STARTS = (
    "/",
    "/espace/",
    "/conventions/",
    "/conventions/tableau-de-bord/",
    "/conventions/ma-convention/",
    "/conventions/echeances/",
    "/conventions/baremes/",
    "/subventions/factures/",
    "/subventions/factures/emettre/",
)
NOT_FOLLOWED = ("/compte/logout/", "/en/compte/logout/", "/admin/", "/static/", "/media/", "/public-media/")
# Spreadsheets keep amounts as plain numbers (machine-readable columns); a batch ZIP holds the PDFs checked one by one.
NOT_CHECKED = re.compile(r"export\.(csv|xlsx)$|\.zip$|\.ics$")
# At most this many pages of one shape (``/subventions/factures/N/``): the same template with other rows.
PER_SHAPE = 4

SEP = f"[{NNBSP}{NBSP} ]"
# Anything that looks like an amount written next to the euro sign, in either language's way: digits with
# commas, points or one no-break space between them (a plain space separates two cells or words).
NUMBER = rf"\d(?:(?:[\d,.]|[{NNBSP}{NBSP}](?=\d))*\d)?"
SUFFIXED = re.compile(rf"(?<![\d,.])-?{NUMBER}{SEP}?€")
PREFIXED = re.compile(rf"-?€{SEP}?{NUMBER}")
FRENCH = re.compile(rf"-?\d{{1,3}}(?:{SEP}\d{{3}})*,\d{{2}}{SEP}€")
ENGLISH = re.compile(r"-?€\d{1,3}(?:,\d{3})*\.\d{2}")


def text_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
    if not response.get("Content-Type", "").startswith("text/"):
        return ""
    page = content.decode("utf-8", "replace")
    # Charts' axes carry short labels (``20 k€``); each chart's table, checked here, has its exact amounts.
    page = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def links_of(response) -> list[str]:
    if not response.get("Content-Type", "").startswith("text/html"):
        return []
    return re.findall(r'<a\b[^>]*\bhref="([^"#]*)"', response.content.decode("utf-8", "replace"))


def language_of(response) -> str:
    """The page's language; invoice PDFs are always French (legal documents of a French administration)."""
    if response.get("Content-Type", "").startswith("application/pdf"):
        return "fr"
    return "en" if response.get("Content-Language", "fr").startswith("en") else "fr"


def crawl(client: Client, starts) -> dict[str, tuple[str, str]]:
    """Every same-site page reachable from ``starts`` by links (GET): path -> (its language, its text).

    An English page links to the French one (the language switch): that page is checked as French."""
    seen: dict[str, tuple[str, str]] = {}
    shapes: Counter = Counter()
    queue = list(starts)
    while queue:
        url = queue.pop(0)
        path = urlsplit(url).path
        shape = re.sub(r"\d+", "N", path)
        if path in seen or not path.startswith("/") or path.startswith(NOT_FOLLOWED) or NOT_CHECKED.search(path):
            continue
        if shapes[shape] >= PER_SHAPE:
            continue
        shapes[shape] += 1
        response = client.get(url)
        if response.status_code in (301, 302):
            seen[path] = ("fr", "")
            queue.append(urljoin(url, response["Location"]))
            continue
        if response.status_code != 200:
            seen[path] = ("fr", "")
            continue
        seen[path] = (language_of(response), text_of(response))
        for link in links_of(response):
            target = urljoin(url, html.unescape(link))
            if urlsplit(target).netloc in ("", "testserver"):
                queue.append(urlsplit(target).path)
    return seen


def wrong_amounts(text: str, language: str) -> list[str]:
    """Every amount next to "€" not written as ``language`` writes money (two decimals, thousands grouped)."""
    found = [m.group().strip() for m in (*SUFFIXED.finditer(text), *PREFIXED.finditer(text))]
    right = FRENCH if language == "fr" else ENGLISH
    return [token for token in found if not right.fullmatch(token)]


@pytest.fixture(scope="module")
def demo_pages(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo seeded once for the module (rolled back after it); for each role and language, every page's text."""
    from accounts.models import User

    media = tmp_path_factory.mktemp("money-media")
    with django_db_blocker.unblock(), override_settings(DEBUG=True, MEDIA_ROOT=media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with TestCase.captureOnCommitCallbacks(execute=True):
                call_command("seed_demo", stdout=StringIO())
            pages = {}
            for role, email in DEMO_ROLES.items():
                for language, prefix in (("fr", ""), ("en", "/en")):
                    client = Client()
                    if email:
                        sign_in(client, User.objects.get(email=email))
                    pages[(role, language)] = crawl(client, [prefix + start for start in STARTS])
            translation.activate("fr")
            yield pages
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("role", list(DEMO_ROLES))
def test_every_amount_on_every_page_has_two_decimals_and_its_thousands_separator(demo_pages, role, language):
    pages = demo_pages[(role, language)]
    wrong = {path: bad for path, (lang, text) in pages.items() if (bad := wrong_amounts(text, lang))}
    assert wrong == {}
    assert any(lang == language for lang, _text in pages.values())


@pytest.mark.django_db
def test_the_crawl_reaches_the_money_screens_and_finds_amounts_on_them(demo_pages):
    """The page test sees what it must: the staff's money screens, in both languages, with amounts on them."""
    staff_fr, staff_en = demo_pages[("staff", "fr")], demo_pages[("staff", "en")]
    for path in ("/conventions/tableau-de-bord/", "/conventions/echeances/", "/subventions/factures/"):
        assert staff_fr[path][0] == "fr" and FRENCH.search(staff_fr[path][1]), path
        assert staff_en["/en" + path][0] == "en" and ENGLISH.search(staff_en["/en" + path][1]), path
    shapes = {re.sub(r"\d+", "N", path) for path in (*staff_fr, *staff_en)}
    assert {"/conventions/N/", "/subventions/factures/N/", "/subventions/factures/N/pdf/"} <= shapes
    assert {"/en/conventions/N/", "/en/subventions/factures/N/"} <= shapes
    pdfs = [text for path, (_lang, text) in staff_fr.items() if re.fullmatch(r"/subventions/factures/\d+/pdf/", path)]
    assert pdfs and all(FRENCH.search(text) for text in pdfs)
    student = demo_pages[("doctoral_student", "fr")]
    assert any(FRENCH.search(text) for _lang, text in student.values())
    # The visitor and the candidate see no convention money; the crawl still went through their pages.
    assert len(demo_pages[("visitor", "fr")]) > 5 and len(demo_pages[("candidate", "en")]) > 5
    checked = {role: sum(1 for _lang, text in pages.values() if text) for role, pages in demo_pages.items()}
    assert min(checked.values()) > 5 and checked[("staff", "fr")] > 100 and checked[("staff", "en")] > 100, checked


def test_the_page_check_catches_the_amounts_the_issue_reported():
    for bad in ("1166,67000000000 €", "total 86220,4300000000 €", "108086,02 €", "3500 €", "12,5 €"):
        assert wrong_amounts(bad, "fr"), bad
    for bad in ("€87086.02", "€3,500", f"3{NNBSP}500,00{NBSP}€", "€1,166.670"):
        assert wrong_amounts(bad, "en"), bad
    assert wrong_amounts(f"total 86{NNBSP}220,43{NBSP}€ et -3{NNBSP}500,00{NBSP}€", "fr") == []
    assert wrong_amounts("total €86,220.43, credit -€3,500.00", "en") == []
