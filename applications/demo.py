"""Demo calls and dossiers, relative to today: an open call closing in six weeks at 12:00 Paris time
with four themes of the demo's host departments and a four-criterion grid; the candidate demo
account's half-filled draft; eight other candidates' dossiers at every screening stage; last year's
closed call, screened (three dossiers: two eligible, one not), which ``applications.evaluation.demo``
then puts in evaluation. Listed in the README's demo table.

Everything goes through ``applications.services`` (start, save each step, upload, submit, screen),
so numbers, history, eligibility snapshots, receipts and e-mails are the real ones. The PDFs are
written here, in code: nothing is read from outside the repository.

Idempotent: calls are found by year, themes and criteria by title, a dossier by its call and
candidate; a dossier that exists is left as it is.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts import roles
from accounts.demo import ensure_demo_totp, ensure_user

from . import services
from .models import Call, Criterion, Dossier, DossierFile, MissingItemsRequest, Theme

PARIS = ZoneInfo("Europe/Paris")
CANDIDATE = ("candidat@demo.cifre.test", "Hugo", "Petit")
DEPARTMENT_CONTACT = ("direction@demo.cifre.test", "Nadia", "Benali")

THEMES = (
    # department acronym, French title, English title, description (fr), description (en), keywords, contact
    (
        "DEVE",
        "Arbres d'alignement et îlots de fraîcheur",
        "Street trees and cool islands",
        "Mesurer l'effet des plantations d'alignement sur la chaleur ressentie, rue par rue, et en tirer des "
        "règles de plantation pour le plan Climat.",
        "Measure how street trees change the felt heat, street by street, and draw planting rules for the "
        "Climate plan.",
        "climat, arbres, chaleur, santé",
        ("Claire Moreau", "claire.moreau@paris.example"),
    ),
    (
        "DASES",
        "Parcours de santé des familles hébergées",
        "Health pathways of families in emergency housing",
        "Comprendre les ruptures de suivi médical des enfants hébergés à l'hôtel et évaluer les dispositifs "
        "d'accompagnement de la Ville.",
        "Understand why children housed in hotels lose their medical follow-up, and assess the City's support schemes.",
        "santé publique, enfance, hébergement",
        ("Karim Haddad", "karim.haddad@paris.example"),
    ),
    (
        "DU",
        "Densification douce des faubourgs",
        "Gentle densification of the faubourgs",
        "Évaluer les surélévations et divisions de parcelles depuis le PLU bioclimatique : qui construit, où, "
        "et avec quels effets sur les loyers.",
        "Assess raised buildings and divided plots since the bioclimatic local plan: who builds, where, and "
        "with what effect on rents.",
        "urbanisme, logement, PLU",
        ("Inès Caron", "ines.caron@paris.example"),
    ),
    (
        "DSIN",
        "Sobriété numérique des services publics",
        "Digital sobriety of public services",
        "Mesurer l'empreinte des services en ligne de la Ville et concevoir des indicateurs utilisables par "
        "les équipes.",
        "Measure the footprint of the City's online services and design indicators the teams can use.",
        "numérique, environnement, indicateurs",
        ("Paul Girard", "paul.girard@paris.example"),
    ),
)

GRID = (
    # French label, English label, description (fr), weight
    ("Qualité scientifique du projet", "Scientific quality", "Question, état de l'art, méthodes.", "3"),
    ("Intérêt pour la Ville", "Relevance for the City", "Apport du projet aux politiques de la direction.", "2"),
    ("Faisabilité en trois ans", "Feasibility in three years", "Calendrier, accès au terrain, encadrement.", "2"),
    ("Parcours du ou de la candidat·e", "Candidate's record", "Formation, expériences, motivation.", "1"),
)

# The other demo candidates: e-mail, first name, last name, the stage their dossier reaches, their theme.
OTHERS = (
    ("candidat1@demo.cifre.test", "Manon", "Lefebvre", "submitted", "DEVE"),
    ("candidat2@demo.cifre.test", "Théo", "Mercier", "missing_items", "DASES"),
    ("candidat3@demo.cifre.test", "Chloé", "Faure", "complete", "DU"),
    ("candidat4@demo.cifre.test", "Lucas", "André", "eligible", "DSIN"),
    ("candidat5@demo.cifre.test", "Sarah", "Blanc", "ineligible", "DEVE"),
    ("candidat6@demo.cifre.test", "Adam", "Guerin", "override", "DASES"),
    ("candidat7@demo.cifre.test", "Jade", "Muller", "withdrawn", "DU"),
    ("candidat8@demo.cifre.test", "Louis", "Henry", "lapsed", "DEVE"),
)
# Last year's call: the same people may have applied before.
LAST_YEAR = (
    ("candidat1@demo.cifre.test", "eligible", "DEVE"),
    ("candidat3@demo.cifre.test", "ineligible", "DU"),
    ("candidat7@demo.cifre.test", "eligible", "DEVE"),
)


# --- PDFs written in code ----------------------------------------------------------------------------


def _escape(text: str) -> bytes:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("cp1252", "replace")


def pdf(title: str, lines: list[str], pages: int = 1) -> bytes:
    """A small, valid PDF (Helvetica, A4) with a title and lines of text on each page."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    font = 3
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    kids = []
    for number in range(1, pages + 1):
        ops = [b"BT", b"/F1 18 Tf", b"72 770 Td", b"(" + _escape(title) + b") Tj", b"/F1 11 Tf", b"0 -30 Td"]
        for line in [*lines, f"Page {number} / {pages}"]:
            ops += [b"(" + _escape(line) + b") Tj", b"0 -16 Td"]
        ops.append(b"ET")
        stream = b"\n".join(ops)
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        content = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> "
            b"/Contents %d 0 R >>" % (font, content)
        )
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for index, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (index, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


DOCUMENT_TITLES = {
    DossierFile.Kind.CV: "Curriculum vitae",
    DossierFile.Kind.DIPLOMA: "Attestation de réussite du master",
    DossierFile.Kind.TRANSCRIPTS: "Relevés de notes",
    DossierFile.Kind.COVER_LETTER: "Lettre de motivation",
    DossierFile.Kind.SUPPORT_LETTER: "Lettre de soutien de la direction de thèse",
    DossierFile.Kind.PROJECT: "Projet de thèse",
}


def _upload(dossier: Dossier, kind: str, user, at=None) -> None:
    name = f"{kind.replace('_', '-')}-{dossier.last_name.lower() or 'candidat'}.pdf"
    content = pdf(
        DOCUMENT_TITLES[kind],
        [f"{dossier.full_name}", "Document de démonstration (données fictives)."],
        pages=3 if kind == DossierFile.Kind.PROJECT else 1,
    )
    services.upload_file(dossier.pk, kind, SimpleUploadedFile(name, content, "application/pdf"), user, at=at)


# --- Calls ---------------------------------------------------------------------------------------------


def _paris_noon(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 12, 0, tzinfo=PARIS)


def _call(year: int, opens_at, closes_at, **fields) -> Call:
    call, created = Call.objects.get_or_create(
        year=year,
        defaults={
            "title_fr": f"Appel à candidatures {year}",
            "title_en": f"Call for applications {year}",
            "intro_fr": (
                "La Ville de Paris recrute des doctorant·e·s en CIFRE sur les thèmes proposés par ses directions. "
                "Le contrat de trois ans commence à la signature de la convention ; l'IEA de Paris conduit "
                "l'évaluation scientifique des dossiers."
            ),
            "intro_en": (
                "The City of Paris hires CIFRE doctoral students on the themes proposed by its departments. The "
                "three-year contract starts when the convention is signed; the IEA de Paris runs the scientific "
                "evaluation of the dossiers."
            ),
            "opens_at": opens_at,
            "closes_at": closes_at,
            "is_published": True,
            **fields,
        },
    )
    return call


def _themes(call: Call, departments: dict, only=None) -> dict[str, Theme]:
    themes = {}
    for position, (acronym, title_fr, title_en, text_fr, text_en, keywords, contact) in enumerate(THEMES, 1):
        if only and acronym not in only:
            continue
        themes[acronym], _ = Theme.objects.get_or_create(
            call=call,
            title_fr=title_fr,
            defaults={
                "host_department": departments[acronym],
                "title_en": title_en,
                "description_fr": text_fr,
                "description_en": text_en,
                "keywords": keywords,
                "contact_name": contact[0],
                "contact_email": contact[1],
                "position": position,
            },
        )
    return themes


def _grid(call: Call) -> None:
    for position, (label_fr, label_en, description, weight) in enumerate(GRID, 1):
        Criterion.objects.get_or_create(
            call=call,
            label_fr=label_fr,
            defaults={
                "label_en": label_en,
                "description_fr": description,
                "weight": Decimal(weight),
                "scale_min": 0,
                "scale_max": 5,
                "position": position,
            },
        )


# --- Dossiers -----------------------------------------------------------------------------------------


def _steps(call: Call, user, theme: Theme, labs, *, stage: str = "", index: int = 0) -> dict[str, dict]:
    """Form data for every step (as the candidate's browser posts it), eligible unless ``stage`` says."""
    lab = labs[index % len(labs)]
    degree_date = call.planned_filing_date - dt.timedelta(days=400 + 30 * index)
    if stage == "ineligible":  # a master's of more than three years at the filing date: masters_recent fails
        degree_date = call.planned_filing_date - dt.timedelta(days=365 * 4)
    lab_data = {
        "lab_name": lab.name,
        "lab_unit_code": lab.unit_code,
        "lab_institution": lab.institution,
        "lab_doctoral_school": str(lab.doctoral_school_id or ""),
        "lab_abroad": "false",
        "lab_cotutelle": "",
        "director_name": ("Pr Anne Lefèvre", "Pr Julien Roux")[index % 2],
        "director_email": ("anne.lefevre@univ.example", "julien.roux@univ.example")[index % 2],
        "director_lab": lab.name,
    }
    if stage == "override":  # a lab abroad, the cotutelle not signed yet: lab_cotutelle fails
        lab_data.update(
            lab_name="Centre for Urban Health",
            lab_unit_code="",
            lab_institution="University College London",
            lab_abroad="true",
            lab_cotutelle="false",
        )
    return {
        "candidate": {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "phone": f"06 12 34 56 {10 + index:02d}",
            "address": f"{3 + index} rue de Rivoli, 75004 Paris",
            "needs_work_permit": "true" if index % 4 == 3 else "false",
        },
        "degree": {
            "degree_title": ("Master Géographie et aménagement", "Master Santé publique", "Master Informatique")[
                index % 3
            ],
            "degree_institution": lab.institution,
            "degree_status": "obtained",
            "degree_date": degree_date.isoformat(),
            "holds_doctorate": "false",
        },
        "enrolment": {
            "already_enrolled": "false",
            "first_enrolment_date": "",
            "enrolment_doctoral_school": "",
            "other_thesis_started": "false",
        },
        "work": {"worked_for_city": "false", "periods-TOTAL_FORMS": "0", "periods-INITIAL_FORMS": "0"},
        "project": {
            "theme": str(theme.pk),
            "thesis_title": f"{theme.title_fr} : une enquête de terrain",
            "summary": "Une thèse qui relie les données de la Ville et l'enquête de terrain.",
            "research_description": "Question de recherche, terrain, corpus et résultats attendus.",
            "methods": "Entretiens, observation, analyse statistique des données ouvertes.",
            "timetable": "Année 1 : terrain ; année 2 : analyses ; année 3 : rédaction.",
            "keywords": theme.keywords,
            "discipline": ("Géographie", "Santé publique", "Sociologie", "Informatique")[index % 4],
        },
        "lab": lab_data,
    }


def _save(dossier: Dossier, step: str, data: dict, at=None, partial=False) -> None:
    result = services.save_step(dossier.pk, step, data, version=None, partial=partial, at=at)
    if not result.ok:
        raise ValueError(f"demo data refused at step {step}: {result.errors}")


def _filled(call, user, theme, labs, *, stage="", index=0, at=None) -> Dossier:
    dossier = services.start_dossier(call, user, at=at)
    for step, data in _steps(call, user, theme, labs, stage=stage, index=index).items():
        _save(dossier, step, data, at=at)
    dossier.refresh_from_db()
    for kind in DossierFile.Kind.values:
        _upload(dossier, kind, user, at=at)
    return dossier


def _screen(dossier: Dossier, stage: str, staff) -> None:
    """Take a submitted dossier to ``stage`` the way staff and the candidate would."""
    now = timezone.now()
    if stage == "missing_items":
        services.request_missing_items(
            dossier.pk,
            staff,
            ["doc:transcripts", "degree"],
            "Les relevés de notes du second semestre manquent, et la date d'obtention du master est à confirmer.",
            now + dt.timedelta(days=10),
        )
    elif stage == "lapsed":
        request = services.request_missing_items(
            dossier.pk,
            staff,
            ["doc:support_letter"],
            "La lettre de soutien n'est pas signée.",
            now + dt.timedelta(days=1),
        )
        MissingItemsRequest.objects.filter(pk=request.pk).update(deadline=now - dt.timedelta(days=2))
        services.flag_lapsed_requests(now)
    elif stage == "complete":
        services.mark_complete(dossier.pk, staff)
    elif stage == "eligible":
        services.mark_complete(dossier.pk, staff)
        services.declare_eligibility(dossier.pk, staff, True, "")
    elif stage == "ineligible":
        services.mark_complete(dossier.pk, staff)
        dossier.refresh_from_db()
        reasons = " ".join(e["message_fr"] for e in dossier.eligibility if not e["ok"])
        services.declare_eligibility(dossier.pk, staff, False, reasons or "Conditions d'éligibilité non remplies.")
    elif stage == "override":
        services.mark_complete(dossier.pk, staff)
        services.override_check(
            dossier.pk,
            staff,
            "lab_cotutelle",
            "La convention de cotutelle avec l'université Paris Cité est en signature : copie reçue le 3 du mois.",
        )
        services.declare_eligibility(dossier.pk, staff, True, "")
    elif stage == "withdrawn":
        services.withdraw(dossier.pk, dossier.candidate, reason="J'ai accepté un autre financement de thèse.")


def _half_filled_draft(call, user, themes, labs) -> None:
    """The candidate demo account: three steps done, two started, two PDFs uploaded; the rest to do."""
    if Dossier.objects.filter(call=call, candidate=user).exists():
        return
    data = _steps(call, user, themes["DEVE"], labs, index=8)
    dossier = services.start_dossier(call, user)
    for step in ("candidate", "degree", "enrolment"):
        _save(dossier, step, data[step])
    _save(dossier, "project", {k: data["project"][k] for k in ("theme", "thesis_title", "keywords")}, partial=True)
    _save(dossier, "lab", {k: data["lab"][k] for k in ("lab_name", "lab_unit_code")}, partial=True)
    dossier.refresh_from_db()
    for kind in (DossierFile.Kind.CV, DossierFile.Kind.DIPLOMA):
        _upload(dossier, kind, user)


def last_year_call(year: int, today: dt.date) -> Call:
    """Last year's call (year of the open call − 1): opened 54 weeks ago, closed 46 weeks ago at 12:00 Paris
    time (seeded in December: November to January, like the open call), no decision yet (the evaluation
    demo evaluates it). Made here or by the evaluation demo, whichever runs first."""
    closes = _paris_noon(today - dt.timedelta(weeks=46))
    return _call(
        year,
        closes - dt.timedelta(weeks=8),
        closes,
        planned_filing_date=closes.date() + dt.timedelta(days=90),
        planned_effective_date=closes.date() + dt.timedelta(days=150),
        results_date=closes.date() + dt.timedelta(days=60),
        positions=3,
        scores_visible_after_own=True,
    )


def seed(stdout) -> None:
    from conventions.demo import _reference_data  # the demo's host departments and labs, created once

    staff = ensure_user("staff@demo.cifre.test", "Sophie", "Martin", roles.STAFF)
    _paris, departments, labs, _tutors, _directors = _reference_data()
    today = timezone.localdate()

    # This year's call: open since two weeks, closing in six weeks at 12:00 Paris time.
    closes = _paris_noon(today + dt.timedelta(weeks=6))
    call = _call(
        closes.year,
        _paris_noon(today - dt.timedelta(weeks=2)).replace(hour=10),
        closes,
        planned_filing_date=closes.date() + dt.timedelta(days=90),
        planned_effective_date=closes.date() + dt.timedelta(days=150),
        results_date=closes.date() + dt.timedelta(days=60),
        positions=4,
        blind_evaluation=False,
    )
    themes = _themes(call, departments)
    _grid(call)
    contact = ensure_user(*DEPARTMENT_CONTACT, roles.DEPARTMENT)
    ensure_demo_totp(contact)  # the role needs a second factor, like staff (published demo secret, README)
    themes["DEVE"].readers.add(contact)
    themes["DU"].readers.add(contact)

    candidate = ensure_user(*CANDIDATE, roles.CANDIDATE)
    _half_filled_draft(call, candidate, themes, labs)
    for index, (email, first, last, stage, acronym) in enumerate(OTHERS):
        user = ensure_user(email, first, last, roles.CANDIDATE)
        if Dossier.objects.filter(call=call, candidate=user).exists():
            continue
        dossier = _filled(call, user, themes[acronym], labs, stage=stage, index=index)
        services.submit(dossier.pk, user)
        _screen(dossier, stage, staff)

    # Last year's call: closed and screened (its evaluation is the evaluation demo's).
    last = last_year_call(call.year - 1, today)
    last_themes = _themes(last, departments, only=("DEVE", "DU"))
    _grid(last)
    submitted_at = last.closes_at - dt.timedelta(days=3)
    for index, (email, stage, acronym) in enumerate(LAST_YEAR):
        user = ensure_user(email, *next((o[1], o[2]) for o in OTHERS if o[0] == email), roles.CANDIDATE)
        if Dossier.objects.filter(call=last, candidate=user).exists():
            continue
        dossier = _filled(last, user, last_themes[acronym], labs, stage=stage, index=index, at=submitted_at)
        services.submit(dossier.pk, user, at=submitted_at)
        _screen(dossier, stage, staff)

    counts = Dossier.objects.filter(call=call).exclude(status=Dossier.Status.DRAFT).count()
    stdout.write(
        f"  candidatures : appel {call.year} ouvert jusqu'au {timezone.localtime(call.closes_at):%d/%m/%Y %H:%M} "
        f"({len(themes)} thèmes), {counts} dossiers déposés, un brouillon ({CANDIDATE[0]}) ; appel {last.year} clos"
    )
    from .evaluation import demo as evaluation_demo  # the call in evaluation and the decided call (issue 11)

    evaluation_demo.seed(stdout, open_year=call.year)
