"""Every message the application sends, with its default French and English text.

The data migration copies these texts into ``EmailTemplate`` rows, which staff then edit; the
application always reads the rows. ``SAMPLE_CONTEXT`` documents the variables of each message
and is used to check an edited template before it is saved.
"""

import datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

_SIGN_FR = "\n--\nProgramme CIFRE de la Ville de Paris\n"
_SIGN_EN = "\n--\nCity of Paris CIFRE programme\n"
_DATE_FR = '|date:"j F Y"'
_DATE_EN = '|date:"j F Y"'

# Every kind of message in the e-mail log, by key (the log's filter lists them). The first four
# have texts staff edit (``DEFAULTS``); the others are written in file templates (events) or by
# staff at the time of sending, and the account e-mails are allauth's, keyed by template prefix.
LABELS = {
    "obligation_due_soon": _("Rappel : document à transmettre avant l'échéance"),
    "obligation_forfeit_soon": _("Alerte : subvention perdue à la date limite"),
    "obligation_overdue": _("Relance : échéance dépassée"),
    "quarterly_summary": _("Synthèse trimestrielle : à facturer"),
    "event_registration_confirmed": _("Événement : inscription confirmée"),
    "event_registration_waiting": _("Événement : inscription sur liste d'attente"),
    "event_registration_promoted": _("Événement : place libérée, inscription confirmée"),
    "event_registration_cancelled": _("Événement : inscription annulée"),
    "event_registrants_message": _("Événement : message de l'équipe aux inscrit·e·s"),
    "account/email/email_confirmation_signup": _("Compte : confirmation de l'adresse à l'inscription"),
    "account/email/email_confirmation": _("Compte : confirmation de l'adresse"),
    "account/email/password_reset_key": _("Compte : réinitialisation du mot de passe"),
}

DEFAULTS = {
    ("obligation_due_soon", "fr"): (
        "[CIFRE] {{ convention_number }} : « {{ obligation }} » attendu avant le {{ due_date" + _DATE_FR + " }}",
        "Bonjour,\n\n"
        "Pour la convention CIFRE {{ convention_number }} ({{ student_name }}), le document "
        "« {{ obligation }} » doit parvenir à l'ANRT au plus tard le {{ due_date" + _DATE_FR + " }}, "
        "dans {{ days }} jour{{ days|pluralize }}.\n"
        "{% if forfeits_on %}S'il n'est pas reçu le {{ forfeits_on" + _DATE_FR + " }}, "
        "la subvention encore due sera perdue.\n{% endif %}"
        "\nSuivi de la convention : {{ url }}\n" + _SIGN_FR,
    ),
    ("obligation_due_soon", "en"): (
        "[CIFRE] {{ convention_number }}: “{{ obligation }}” due by {{ due_date" + _DATE_EN + " }}",
        "Hello,\n\n"
        "For the CIFRE agreement {{ convention_number }} ({{ student_name }}), the document "
        "“{{ obligation }}” must reach ANRT by {{ due_date" + _DATE_EN + " }}, "
        "in {{ days }} day{{ days|pluralize }}.\n"
        "{% if forfeits_on %}If it has not been received on {{ forfeits_on" + _DATE_EN + " }}, "
        "the remaining subsidy will be lost.\n{% endif %}"
        "\nAgreement page: {{ url }}\n" + _SIGN_EN,
    ),
    ("obligation_forfeit_soon", "fr"): (
        "[CIFRE] {{ convention_number }} : subvention perdue le {{ forfeits_on" + _DATE_FR + " }} "
        "sans « {{ obligation }} »",
        "Bonjour,\n\n"
        "Pour la convention CIFRE {{ convention_number }} ({{ student_name }}), le document "
        "« {{ obligation }} » (attendu le {{ due_date" + _DATE_FR + " }}) n'a pas été reçu par l'ANRT.\n"
        "S'il ne lui parvient pas d'ici le {{ forfeits_on" + _DATE_FR + " }}, dans {{ days }} "
        "jour{{ days|pluralize }}, la subvention encore due sera perdue"
        "{% if amount_at_risk %} ({{ amount_at_risk|money }}){% endif %}.\n"
        "\nSuivi de la convention : {{ url }}\n" + _SIGN_FR,
    ),
    ("obligation_forfeit_soon", "en"): (
        "[CIFRE] {{ convention_number }}: subsidy lost on {{ forfeits_on" + _DATE_EN + " }} without “{{ obligation }}”",
        "Hello,\n\n"
        "For the CIFRE agreement {{ convention_number }} ({{ student_name }}), ANRT has not received "
        "the document “{{ obligation }}” (due {{ due_date" + _DATE_EN + " }}).\n"
        "If it does not reach ANRT by {{ forfeits_on" + _DATE_EN + " }}, in {{ days }} day{{ days|pluralize }}, "
        "the remaining subsidy will be lost{% if amount_at_risk %} ({{ amount_at_risk|money }}){% endif %}.\n"
        "\nAgreement page: {{ url }}\n" + _SIGN_EN,
    ),
    ("obligation_overdue", "fr"): (
        "[CIFRE] {{ convention_number }} : « {{ obligation }} » en retard",
        "Bonjour,\n\n"
        "Pour la convention CIFRE {{ convention_number }} ({{ student_name }}), le document "
        "« {{ obligation }} » était attendu par l'ANRT le {{ due_date" + _DATE_FR + " }} et n'a pas été "
        "enregistré comme reçu.\n"
        "{% if forfeits_on %}Dernier délai avant la perte de la subvention encore due : "
        "{{ forfeits_on" + _DATE_FR + " }}.\n{% else %}Les versements qu'il conditionne sont suspendus "
        "jusqu'à sa réception.\n{% endif %}"
        "\nSuivi de la convention : {{ url }}\n" + _SIGN_FR,
    ),
    ("obligation_overdue", "en"): (
        "[CIFRE] {{ convention_number }}: “{{ obligation }}” is overdue",
        "Hello,\n\n"
        "For the CIFRE agreement {{ convention_number }} ({{ student_name }}), ANRT expected the document "
        "“{{ obligation }}” on {{ due_date" + _DATE_EN + " }} and it has not been recorded as received.\n"
        "{% if forfeits_on %}Last date before the remaining subsidy is lost: "
        "{{ forfeits_on" + _DATE_EN + " }}.\n{% else %}The instalments it gates are withheld until it "
        "is received.\n{% endif %}"
        "\nAgreement page: {{ url }}\n" + _SIGN_EN,
    ),
    ("quarterly_summary", "fr"): (
        "[CIFRE] {{ quarter }} : {{ ready_count }} versement{{ ready_count|pluralize }} à facturer",
        "Bonjour,\n\n"
        "Trimestre {{ quarter }} : {{ ready_count }} versement{{ ready_count|pluralize }} "
        "exigible{{ ready_count|pluralize }} non facturé{{ ready_count|pluralize }}, "
        "pour un total de {{ ready_total|money }}.\n"
        "{% for line in ready_lines %}- {{ line.convention_number }} ({{ line.student_name }}), "
        "versement n° {{ line.number }} : {{ line.amount|money }}\n{% endfor %}"
        "{% if withheld_count %}\n{{ withheld_count }} versement{{ withheld_count|pluralize }} "
        "retenu{{ withheld_count|pluralize }} faute de document ({{ withheld_total|money }}).\n{% endif %}"
        "\nÉmettre les factures : {{ url }}\n" + _SIGN_FR,
    ),
    ("quarterly_summary", "en"): (
        "[CIFRE] {{ quarter }}: {{ ready_count }} instalment{{ ready_count|pluralize }} to invoice",
        "Hello,\n\n"
        "Quarter {{ quarter }}: {{ ready_count }} payable instalment{{ ready_count|pluralize }} not yet "
        "invoiced, {{ ready_total|money }} in total.\n"
        "{% for line in ready_lines %}- {{ line.convention_number }} ({{ line.student_name }}), "
        "instalment {{ line.number }}: {{ line.amount|money }}\n{% endfor %}"
        "{% if withheld_count %}\n{{ withheld_count }} instalment{{ withheld_count|pluralize }} withheld "
        "for want of a document ({{ withheld_total|money }}).\n{% endif %}"
        "\nIssue the invoices: {{ url }}\n" + _SIGN_EN,
    ),
}

_OBLIGATION_SAMPLE = {
    "convention_number": "2025/0001",
    "student_name": "Léa Bernard",
    "obligation": "Attestation d'inscription en doctorat 2025/2026",
    "due_date": datetime.date(2025, 9, 30),
    "forfeits_on": datetime.date(2026, 5, 30),
    "days": 7,
    "amount_at_risk": Decimal("37935.48"),
    "url": "https://example.org/conventions/1/",
    "recipient_email": "staff@example.org",
}

SAMPLE_CONTEXT = {
    "obligation_due_soon": _OBLIGATION_SAMPLE,
    "obligation_forfeit_soon": _OBLIGATION_SAMPLE,
    "obligation_overdue": _OBLIGATION_SAMPLE,
    "quarterly_summary": {
        "quarter": "T1 2026",
        "ready_count": 1,
        "ready_total": Decimal("3500.00"),
        "ready_lines": [
            {"convention_number": "2025/0001", "student_name": "Léa Bernard", "number": 5, "amount": Decimal("3500.00")}
        ],
        "withheld_count": 0,
        "withheld_total": Decimal("0.00"),
        "url": "https://example.org/subventions/factures/emettre/",
        "recipient_email": "staff@example.org",
    },
}

VARIABLES = {key: ", ".join(sorted(ctx)) for key, ctx in SAMPLE_CONTEXT.items()}

# Amounts were once written by hand (``{{ amount }} €``, ``EUR {{ amount }}``); they now go through the
# ``money`` filter (``cifre.money``: 3 500,00 € / €3,500.00). A stored text still equal to its former
# default is brought up to date after ``migrate``; a text staff changed is left as they wrote it.
_FORMER_MONEY_SPELLINGS = {
    "fr": [
        ("{{ amount_at_risk }} €", "{{ amount_at_risk|money }}"),
        ("{{ ready_total }} €", "{{ ready_total|money }}"),
        ("{{ line.amount }} €", "{{ line.amount|money }}"),
        ("{{ withheld_total }} €", "{{ withheld_total|money }}"),
    ],
    "en": [
        ("EUR {{ amount_at_risk }}", "{{ amount_at_risk|money }}"),
        ("EUR {{ ready_total }}", "{{ ready_total|money }}"),
        ("EUR {{ line.amount }}", "{{ line.amount|money }}"),
        ("EUR {{ withheld_total }}", "{{ withheld_total|money }}"),
    ],
}


# What each variable of the messages means, for staff editing a text (the template editor lists them).
# A message registered by another app may give its own meaning for a name (``register(..., descriptions)``).
VARIABLE_DESCRIPTIONS = {
    "amount_at_risk": _("montant de subvention en jeu (écrire {{ amount_at_risk|money }})"),
    "at": _("date et heure de l'événement décrit"),
    "call_title": _("titre de l'appel à candidatures"),
    "candidate_name": _("nom de la candidate ou du candidat"),
    "committee_date": _("date du comité de sélection"),
    "convention_number": _("numéro ANRT de la convention"),
    "count": _("nombre d'éléments concernés"),
    "day": _("date concernée"),
    "days": _("nombre de jours restants"),
    "deadline": _("date limite"),
    "declared": _("ce qui a été déclaré"),
    "declared_at": _("date de la déclaration"),
    "due_date": _("date à laquelle le document doit parvenir à l'ANRT"),
    "evaluator_name": _("nom de l'évaluatrice ou de l'évaluateur"),
    "files_count": _("nombre de fichiers"),
    "forfeits_on": _("date à laquelle la subvention est perdue sans le document"),
    "invited_by_name": _("nom de la personne qui a envoyé l'invitation"),
    "items": _("liste des éléments concernés (à parcourir avec {% for %})"),
    "login_url": _("adresse de la page de connexion"),
    "message": _("texte du message"),
    "nature": _("nature de la demande"),
    "number": _("numéro du dossier ou de la pièce"),
    "obligation": _("nom du document attendu"),
    "quarter": _("trimestre concerné"),
    "ready_count": _("nombre d'échéances prêtes à facturer"),
    "ready_lines": _("échéances prêtes à facturer (à parcourir avec {% for %})"),
    "ready_total": _("total prêt à facturer (écrire {{ ready_total|money }})"),
    "reason": _("motif"),
    "reasons": _("motifs (liste)"),
    "recipient_email": _("adresse e-mail du destinataire"),
    "requests": _("demandes de pièces (liste)"),
    "rows": _("lignes du tableau (liste)"),
    "set_password_url": _("lien pour choisir son mot de passe"),
    "status": _("état"),
    "student_name": _("nom de la doctorante ou du doctorant"),
    "submitted_at": _("date et heure du dépôt"),
    "theme_title": _("titre du thème de recherche"),
    "thesis_title": _("titre de la thèse"),
    "url": _("lien vers la page concernée dans l'application"),
    "valid_days": _("nombre de jours de validité du lien"),
    "version": _("version du document"),
    "waiting_rank": _("rang sur la liste d'attente"),
    "withheld_count": _("nombre d'échéances retenues"),
    "withheld_total": _("total retenu (écrire {{ withheld_total|money }})"),
}
_OWN_DESCRIPTIONS: dict[str, dict] = {}


def variables_of(key: str) -> list[tuple[str, str]]:
    """The variables of message ``key`` with what each means, in name order."""
    own = _OWN_DESCRIPTIONS.get(key, {})
    return [
        (name, str(own.get(name) or VARIABLE_DESCRIPTIONS.get(name, "")))
        for name in sorted(SAMPLE_CONTEXT.get(key, {}))
    ]


def former_default(key: str, language: str) -> tuple[str, str] | None:
    """The default text of ``key`` before amounts went through ``|money``, or None when it had none."""
    subject, body = DEFAULTS[(key, language)]
    former = body
    for old, new in _FORMER_MONEY_SPELLINGS.get(language, []):
        former = former.replace(new, old)
    return (subject, former) if former != body else None


def register(labels: dict, defaults: dict, sample_context: dict, descriptions: dict | None = None) -> None:
    """Add another app's messages (called from its ``AppConfig.ready``: notifications imports no app).

    They are then seeded and restored after ``migrate``, listed in the log's filter and in the
    template editor, and an edited text is checked against their sample context, like these.
    """
    LABELS.update(labels)
    DEFAULTS.update(defaults)
    SAMPLE_CONTEXT.update(sample_context)
    VARIABLES.update({key: ", ".join(sorted(ctx)) for key, ctx in sample_context.items()})
    _OWN_DESCRIPTIONS.update(descriptions or {})


def ensure_default_templates(using: str = "default") -> None:
    """Create the French and English text of any message that has none; staff edits are kept."""
    from .models import EmailTemplate

    for (key, language), (subject, body) in DEFAULTS.items():
        template, created = EmailTemplate.objects.using(using).get_or_create(
            key=key,
            language=language,
            defaults={"subject": subject, "body": body, "help_text": VARIABLES.get(key, "")},
        )
        former = None if created else former_default(key, language)
        if former is not None and (template.subject, template.body) == former:
            EmailTemplate.objects.using(using).filter(pk=template.pk).update(body=body)


def on_post_migrate(sender, using: str = "default", **kwargs) -> None:
    # Also runs after a test flush, which empties the tables the data migrations filled.
    ensure_default_templates(using)
