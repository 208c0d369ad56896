"""The e-mails of the dossier, with their default French and English texts.

Registered in the messenger's catalogue by ``ApplicationsConfig.ready`` (notifications imports no
app): the texts are copied into editable templates after ``migrate``, staff edit them on the
templates screen, and ``SAMPLE_CONTEXT`` documents the variables and checks an edited text. Every
date is given already spelled out with its time zone (``submitted_at``, ``deadline``), so the
texts need no date format.

The receipt (``dossier_receipt``) is the message of a submission and of an answer to a request for
missing items (a new version): one e-mail, with the receipt PDF attached, not two.
"""

from django.utils.translation import gettext_lazy as _

_SIGN_FR = "\n--\nProgramme CIFRE de la Ville de Paris\n"
_SIGN_EN = "\n--\nCity of Paris CIFRE programme\n"

LABELS = {
    "dossier_receipt": _("Candidature : accusé de réception du dossier (dépôt ou compléments)"),
    "dossier_missing_items": _("Candidature : pièces manquantes demandées"),
    "dossier_complete": _("Candidature : dossier complet"),
    "dossier_eligible": _("Candidature : dossier éligible"),
    "dossier_ineligible": _("Candidature : dossier non éligible"),
    "dossier_withdrawn": _("Candidature : dossier retiré"),
    "dossier_requests_lapsed": _("Candidatures : demandes de pièces sans réponse dans le délai (équipe)"),
}

_HELLO_FR = "Bonjour {{ candidate_name }},\n\n"
_HELLO_EN = "Hello {{ candidate_name }},\n\n"
_FOLLOW_FR = "\nSuivre votre dossier : {{ url }}\n" + _SIGN_FR
_FOLLOW_EN = "\nFollow your application: {{ url }}\n" + _SIGN_EN

DEFAULTS = {
    ("dossier_receipt", "fr"): (
        "[CIFRE] Dossier {{ number }}{% if version > 1 %} : compléments reçus (version {{ version }})"
        "{% else %} : accusé de réception{% endif %}",
        _HELLO_FR + "{% if version > 1 %}Les éléments demandés pour votre dossier n° {{ number }} "
        "({{ call_title }}) ont bien été reçus le {{ submitted_at }} : c'est la version {{ version }} "
        "de votre dossier.{% else %}Votre dossier de candidature n° {{ number }} ({{ call_title }}) a bien été "
        "déposé le {{ submitted_at }}.{% endif %}\n\n"
        "L'accusé de réception joint liste tout ce que vous avez transmis, avec l'empreinte SHA-256 de chacun "
        "de vos {{ files_count }} fichiers : conservez-le.\n\n"
        "L'équipe du programme vérifie maintenant que le dossier est complet et que les conditions "
        "d'éligibilité sont remplies ; vous serez informé·e par e-mail de chaque étape.\n" + _FOLLOW_FR,
    ),
    ("dossier_receipt", "en"): (
        "[CIFRE] Application {{ number }}{% if version > 1 %}: additional items received (version {{ version }})"
        "{% else %}: acknowledgement of receipt{% endif %}",
        _HELLO_EN + "{% if version > 1 %}The items requested for your application no. {{ number }} "
        "({{ call_title }}) were received on {{ submitted_at }}: this is version {{ version }} of your "
        "application.{% else %}Your application no. {{ number }} ({{ call_title }}) was submitted on "
        "{{ submitted_at }}.{% endif %}\n\n"
        "The attached acknowledgement lists everything you sent, with the SHA-256 fingerprint of each of your "
        "{{ files_count }} files: please keep it.\n\n"
        "The programme team will now check that the application is complete and meets the eligibility "
        "conditions; you will be told of each step by e-mail.\n" + _FOLLOW_EN,
    ),
    ("dossier_missing_items", "fr"): (
        "[CIFRE] Dossier {{ number }} : éléments à compléter avant le {{ deadline }}",
        _HELLO_FR + "L'équipe du programme a examiné votre dossier n° {{ number }} ({{ call_title }}) et vous "
        "demande de compléter les éléments suivants :\n"
        "{% for item in items %}- {{ item }}\n{% endfor %}\n"
        "Message de l'équipe :\n{{ message }}\n\n"
        "Votre dossier est rouvert pour ces éléments seulement, jusqu'au {{ deadline }}. Une fois "
        "les éléments complétés, transmettez-les depuis la page de votre dossier.\n" + _FOLLOW_FR,
    ),
    ("dossier_missing_items", "en"): (
        "[CIFRE] Application {{ number }}: items to complete by {{ deadline }}",
        _HELLO_EN + "The programme team reviewed your application no. {{ number }} ({{ call_title }}) and asks "
        "you to complete the following items:\n"
        "{% for item in items %}- {{ item }}\n{% endfor %}\n"
        "Message from the team:\n{{ message }}\n\n"
        "Your application is reopened for these items only, until {{ deadline }}. Once they are complete, "
        "send them from your application's page.\n" + _FOLLOW_EN,
    ),
    ("dossier_complete", "fr"): (
        "[CIFRE] Dossier {{ number }} : dossier complet",
        _HELLO_FR + "Votre dossier n° {{ number }} ({{ call_title }}) est complet. L'équipe du programme "
        "examine maintenant les conditions d'éligibilité ; vous serez informé·e du résultat par e-mail.\n" + _FOLLOW_FR,
    ),
    ("dossier_complete", "en"): (
        "[CIFRE] Application {{ number }}: application complete",
        _HELLO_EN + "Your application no. {{ number }} ({{ call_title }}) is complete. The programme team is "
        "now checking the eligibility conditions; you will be told of the outcome by e-mail.\n" + _FOLLOW_EN,
    ),
    ("dossier_eligible", "fr"): (
        "[CIFRE] Dossier {{ number }} : dossier éligible",
        _HELLO_FR + "Votre dossier n° {{ number }} ({{ call_title }}) remplit les conditions d'éligibilité du "
        "programme. Il est transmis à l'évaluation scientifique ; vous serez informé·e de la suite.\n"
        "{% if reasons %}\nPrécisions de l'équipe :\n{{ reasons }}\n{% endif %}" + _FOLLOW_FR,
    ),
    ("dossier_eligible", "en"): (
        "[CIFRE] Application {{ number }}: application eligible",
        _HELLO_EN + "Your application no. {{ number }} ({{ call_title }}) meets the programme's eligibility "
        "conditions. It now goes to the scientific evaluation; you will be told what comes next.\n"
        "{% if reasons %}\nNotes from the team:\n{{ reasons }}\n{% endif %}" + _FOLLOW_EN,
    ),
    ("dossier_ineligible", "fr"): (
        "[CIFRE] Dossier {{ number }} : dossier non éligible",
        _HELLO_FR + "Après examen, votre dossier n° {{ number }} ({{ call_title }}) ne remplit pas les "
        "conditions d'éligibilité du programme, pour les raisons suivantes :\n\n{{ reasons }}\n\n"
        "Pour toute question, répondez à ce message.\n" + _FOLLOW_FR,
    ),
    ("dossier_ineligible", "en"): (
        "[CIFRE] Application {{ number }}: application not eligible",
        _HELLO_EN + "After review, your application no. {{ number }} ({{ call_title }}) does not meet the "
        "programme's eligibility conditions, for the following reasons:\n\n{{ reasons }}\n\n"
        "If you have any question, reply to this message.\n" + _FOLLOW_EN,
    ),
    ("dossier_withdrawn", "fr"): (
        "[CIFRE] Dossier {{ number }} : dossier retiré",
        _HELLO_FR + "Votre dossier n° {{ number }} ({{ call_title }}) a été retiré le {{ at }}. Il ne sera pas "
        "examiné.\n{% if message %}\nMotif indiqué :\n{{ message }}\n{% endif %}"
        "\nSi ce retrait n'est pas de votre fait, répondez sans attendre à ce message.\n" + _FOLLOW_FR,
    ),
    ("dossier_withdrawn", "en"): (
        "[CIFRE] Application {{ number }}: application withdrawn",
        _HELLO_EN + "Your application no. {{ number }} ({{ call_title }}) was withdrawn on {{ at }}. It will "
        "not be reviewed.\n{% if message %}\nReason given:\n{{ message }}\n{% endif %}"
        "\nIf you did not withdraw it, reply to this message at once.\n" + _FOLLOW_EN,
    ),
    ("dossier_requests_lapsed", "fr"): (
        "[CIFRE] {{ count }} demande{{ count|pluralize }} de pièces sans réponse dans le délai ({{ day }})",
        "Bonjour,\n\n"
        "{{ count }} demande{{ count|pluralize }} de pièces manquantes {{ count|pluralize:'est,sont' }} restée"
        "{{ count|pluralize }} sans réponse à la date limite :\n"
        "{% for request in requests %}- {{ request.number }} ({{ request.candidate_name }}), "
        "date limite {{ request.deadline }} : {{ request.items|join:', ' }}\n  {{ request.url }}\n{% endfor %}"
        "\nLes dossiers restent en attente des pièces : à vous de décider de la suite "
        "(relance, nouvelle demande, déclaration d'éligibilité).\n" + _SIGN_FR,
    ),
    ("dossier_requests_lapsed", "en"): (
        "[CIFRE] {{ count }} request{{ count|pluralize }} for missing items unanswered by the deadline ({{ day }})",
        "Hello,\n\n"
        "{{ count }} request{{ count|pluralize }} for missing items received no answer by the deadline:\n"
        "{% for request in requests %}- {{ request.number }} ({{ request.candidate_name }}), "
        "deadline {{ request.deadline }}: {{ request.items|join:', ' }}\n  {{ request.url }}\n{% endfor %}"
        "\nThe applications keep waiting for the items: the next step is yours "
        "(reminder, new request, eligibility decision).\n" + _SIGN_EN,
    ),
}

_DOSSIER_SAMPLE = {
    "candidate_name": "Léa Bernard",
    "call_title": "Appel à candidatures 2027",
    "number": "2027-0042",
    "status": "Déposé",
    "url": "https://example.org/candidatures/",
    "recipient_email": "lea.bernard@example.org",
}

SAMPLE_CONTEXT = {
    "dossier_receipt": {
        **_DOSSIER_SAMPLE,
        "version": 1,
        "submitted_at": "15 mars 2027 à 11:58, heure de Paris (UTC+01:00)",
        "files_count": 6,
    },
    "dossier_missing_items": {
        **_DOSSIER_SAMPLE,
        "items": ["Diplôme", "Relevés de notes"],
        "message": "Merci de joindre le relevé de notes du master 2.",
        "deadline": "2 avril 2027 à 12:00, heure de Paris (UTC+02:00)",
    },
    "dossier_complete": _DOSSIER_SAMPLE,
    "dossier_eligible": {**_DOSSIER_SAMPLE, "reasons": ""},
    "dossier_ineligible": {**_DOSSIER_SAMPLE, "reasons": "Le master date de plus de trois ans."},
    "dossier_withdrawn": {
        **_DOSSIER_SAMPLE,
        "at": "20 mars 2027 à 09:15, heure de Paris (UTC+01:00)",
        "message": "J'ai accepté un autre financement.",
    },
    "dossier_requests_lapsed": {
        "day": "3 avril 2027",
        "count": 1,
        "requests": [
            {
                "number": "2027-0042",
                "candidate_name": "Léa Bernard",
                "deadline": "2 avril 2027 à 12:00, heure de Paris (UTC+02:00)",
                "items": ["Diplôme", "Relevés de notes"],
                "url": "https://example.org/candidatures/gestion/",
            }
        ],
        "recipient_email": "staff@example.org",
    },
}
