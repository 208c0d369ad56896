"""The evaluation's messages, with their default French and English texts.

Registered in the messenger's catalogue by ``ApplicationsConfig.ready`` (``notifications`` imports
no app): copied into editable templates after ``migrate``, edited by staff on the templates screen.
Dates arrive already spelled out in the recipient's language (``deadline``, ``committee_date``).

No message to an evaluator ever names the candidate (blind calls or not): an evaluator's e-mail
names the dossier by its number and its thesis title only. The decision letters (``decision_*``)
are rendered into the outbox (``decisions.Letter``) where staff may edit each one before sending.
"""

from django.utils.translation import gettext_lazy as _

_SIGN_FR = "\n--\nProgramme CIFRE de la Ville de Paris\n"
_SIGN_EN = "\n--\nCity of Paris CIFRE programme\n"

LABELS = {
    "evaluator_invitation": _("Évaluation : invitation d'un·e évaluateur·rice"),
    "evaluation_assigned": _("Évaluation : dossier confié à un·e évaluateur·rice"),
    "evaluation_reminder": _("Évaluation : rappel avant la date limite"),
    "evaluation_overdue": _("Évaluation : date limite dépassée"),
    "evaluation_reopened": _("Évaluation : évaluation rouverte par l'équipe"),
    "evaluation_conflict_staff": _("Évaluation : conflit d'intérêts déclaré (équipe)"),
    "evaluation_declined_staff": _("Évaluation : affectation déclinée (équipe)"),
    "evaluation_late_summary": _("Évaluation : évaluations en retard (équipe)"),
    "decision_selected": _("Décision : candidature retenue"),
    "decision_waiting_list": _("Décision : candidature sur liste d'attente"),
    "decision_rejected": _("Décision : candidature non retenue"),
    "decision_promoted": _("Décision : candidature retenue depuis la liste d'attente"),
}

_EVAL_HELLO_FR = "Bonjour {{ evaluator_name }},\n\n"
_EVAL_HELLO_EN = "Hello {{ evaluator_name }},\n\n"
_CAND_HELLO_FR = "Bonjour {{ candidate_name }},\n\n"
_CAND_HELLO_EN = "Dear {{ candidate_name }},\n\n"

DEFAULTS = {
    ("evaluator_invitation", "fr"): (
        "[CIFRE] Invitation à évaluer les candidatures du programme CIFRE de la Ville de Paris",
        _EVAL_HELLO_FR + "{{ invited_by_name }} vous invite à rejoindre les évaluateur·rice·s scientifiques du "
        "programme CIFRE de la Ville de Paris, pour l'Institut d'études avancées de Paris.\n\n"
        "Votre compte est créé pour l'adresse {{ recipient_email }}. Choisissez votre mot de passe en suivant ce "
        "lien (valable {{ valid_days }} jour{{ valid_days|pluralize }}) :\n{{ set_password_url }}\n\n"
        "Vous configurerez ensuite une application d'authentification (second facteur), obligatoire pour les "
        "évaluateur·rice·s, puis vous compléterez votre profil : disciplines, mots-clés, langues et nombre de "
        "dossiers que vous acceptez.\n\n"
        "Si le lien a expiré, utilisez « Mot de passe oublié » sur la page de connexion : {{ login_url }}\n" + _SIGN_FR,
    ),
    ("evaluator_invitation", "en"): (
        "[CIFRE] Invitation to review applications for the City of Paris CIFRE programme",
        _EVAL_HELLO_EN + "{{ invited_by_name }} invites you to join the scientific reviewers of the City of Paris "
        "CIFRE programme, for the Paris Institute for Advanced Study.\n\n"
        "Your account has been created for {{ recipient_email }}. Choose your password with this link (valid "
        "{{ valid_days }} day{{ valid_days|pluralize }}):\n{{ set_password_url }}\n\n"
        "You will then set up an authenticator app (second factor), required for reviewers, and complete your "
        "profile: disciplines, keywords, languages and how many applications you accept.\n\n"
        "If the link has expired, use “Forgot your password?” on the sign-in page: {{ login_url }}\n" + _SIGN_EN,
    ),
    ("evaluation_assigned", "fr"): (
        "[CIFRE] Dossier {{ number }} à évaluer avant le {{ deadline }}",
        _EVAL_HELLO_FR + "Le dossier n° {{ number }} ({{ call_title }}) vous est confié pour évaluation :\n"
        "« {{ thesis_title }} »{% if theme_title %} — thème « {{ theme_title }} »{% endif %}.\n\n"
        "Avant d'accéder au dossier, déclarez si vous avez un conflit d'intérêts avec ce projet. "
        "Date limite de l'évaluation : {{ deadline }}.\n\nVotre espace d'évaluation : {{ url }}\n" + _SIGN_FR,
    ),
    ("evaluation_assigned", "en"): (
        "[CIFRE] Application {{ number }} to review by {{ deadline }}",
        _EVAL_HELLO_EN + "Application no. {{ number }} ({{ call_title }}) has been assigned to you for review:\n"
        "“{{ thesis_title }}”{% if theme_title %} — theme “{{ theme_title }}”{% endif %}.\n\n"
        "Before you can open the application, please declare whether you have a conflict of interest with this "
        "project. Review deadline: {{ deadline }}.\n\nYour review space: {{ url }}\n" + _SIGN_EN,
    ),
    ("evaluation_reminder", "fr"): (
        "[CIFRE] Rappel : évaluation du dossier {{ number }} attendue le {{ deadline }}",
        _EVAL_HELLO_FR + "Votre évaluation du dossier n° {{ number }} ({{ call_title }}) est attendue au plus tard "
        "le {{ deadline }}, dans {{ days }} jour{{ days|pluralize }}.\n"
        "{% if not declared %}Vous n'avez pas encore déclaré l'absence de conflit d'intérêts : c'est la première "
        "étape.\n{% endif %}\nVotre espace d'évaluation : {{ url }}\n" + _SIGN_FR,
    ),
    ("evaluation_reminder", "en"): (
        "[CIFRE] Reminder: review of application {{ number }} due on {{ deadline }}",
        _EVAL_HELLO_EN + "Your review of application no. {{ number }} ({{ call_title }}) is due on {{ deadline }}, "
        "in {{ days }} day{{ days|pluralize }}.\n"
        "{% if not declared %}You have not declared the absence of conflict of interest yet: that is the first "
        "step.\n{% endif %}\nYour review space: {{ url }}\n" + _SIGN_EN,
    ),
    ("evaluation_overdue", "fr"): (
        "[CIFRE] Évaluation du dossier {{ number }} : la date limite est dépassée",
        _EVAL_HELLO_FR + "Votre évaluation du dossier n° {{ number }} ({{ call_title }}) était attendue le "
        "{{ deadline }}. Si vous ne pouvez pas la rendre, déclinez l'affectation depuis votre espace afin que "
        "l'équipe puisse confier le dossier à quelqu'un d'autre.\n\nVotre espace d'évaluation : {{ url }}\n" + _SIGN_FR,
    ),
    ("evaluation_overdue", "en"): (
        "[CIFRE] Review of application {{ number }}: the deadline has passed",
        _EVAL_HELLO_EN + "Your review of application no. {{ number }} ({{ call_title }}) was due on {{ deadline }}. "
        "If you cannot submit it, please decline the assignment from your space so the team can give the "
        "application to someone else.\n\nYour review space: {{ url }}\n" + _SIGN_EN,
    ),
    ("evaluation_reopened", "fr"): (
        "[CIFRE] Dossier {{ number }} : votre évaluation est rouverte",
        _EVAL_HELLO_FR + "L'équipe du programme a rouvert votre évaluation du dossier n° {{ number }} "
        "({{ call_title }}) pour la raison suivante :\n\n{{ reason }}\n\n"
        "Vous pouvez la modifier puis la transmettre à nouveau.\n\nVotre espace d'évaluation : {{ url }}\n" + _SIGN_FR,
    ),
    ("evaluation_reopened", "en"): (
        "[CIFRE] Application {{ number }}: your review has been reopened",
        _EVAL_HELLO_EN + "The programme team has reopened your review of application no. {{ number }} "
        "({{ call_title }}) for the following reason:\n\n{{ reason }}\n\n"
        "You may change it and submit it again.\n\nYour review space: {{ url }}\n" + _SIGN_EN,
    ),
    ("evaluation_conflict_staff", "fr"): (
        "[CIFRE] Conflit d'intérêts déclaré sur le dossier {{ number }}",
        "Bonjour,\n\n{{ evaluator_name }} a déclaré le {{ declared_at }} un conflit d'intérêts avec le dossier "
        "n° {{ number }} ({{ call_title }}) :\n\n{{ nature }}\n\n"
        "L'affectation est retirée et la déclaration est conservée. Confiez le dossier à un·e autre "
        "évaluateur·rice : {{ url }}\n" + _SIGN_FR,
    ),
    ("evaluation_conflict_staff", "en"): (
        "[CIFRE] Conflict of interest declared on application {{ number }}",
        "Hello,\n\n{{ evaluator_name }} declared on {{ declared_at }} a conflict of interest with application "
        "no. {{ number }} ({{ call_title }}):\n\n{{ nature }}\n\n"
        "The assignment is withdrawn and the declaration kept. Assign the application to another reviewer: "
        "{{ url }}\n" + _SIGN_EN,
    ),
    ("evaluation_declined_staff", "fr"): (
        "[CIFRE] Affectation déclinée : dossier {{ number }}",
        "Bonjour,\n\n{{ evaluator_name }} a décliné l'évaluation du dossier n° {{ number }} ({{ call_title }})."
        "{% if reason %}\n\nMotif indiqué :\n{{ reason }}{% endif %}\n\n"
        "Confiez le dossier à un·e autre évaluateur·rice : {{ url }}\n" + _SIGN_FR,
    ),
    ("evaluation_declined_staff", "en"): (
        "[CIFRE] Assignment declined: application {{ number }}",
        "Hello,\n\n{{ evaluator_name }} declined the review of application no. {{ number }} ({{ call_title }})."
        "{% if reason %}\n\nReason given:\n{{ reason }}{% endif %}\n\n"
        "Assign the application to another reviewer: {{ url }}\n" + _SIGN_EN,
    ),
    ("evaluation_late_summary", "fr"): (
        "[CIFRE] {{ count }} évaluation{{ count|pluralize }} en retard ({{ day }})",
        "Bonjour,\n\n{{ count }} évaluation{{ count|pluralize }} {{ count|pluralize:'a,ont' }} dépassé sa date "
        "limite sans être transmise{{ count|pluralize }} :\n"
        "{% for row in rows %}- {{ row.number }} : {{ row.evaluator_name }}, attendue le {{ row.deadline }} "
        "({{ row.days_late }} jour{{ row.days_late|pluralize }} de retard)\n{% endfor %}"
        "\nSuivi des évaluations : {{ url }}\n" + _SIGN_FR,
    ),
    ("evaluation_late_summary", "en"): (
        "[CIFRE] {{ count }} late review{{ count|pluralize }} ({{ day }})",
        "Hello,\n\n{{ count }} review{{ count|pluralize }} passed {{ count|pluralize:'its,their' }} deadline "
        "without being submitted:\n"
        "{% for row in rows %}- {{ row.number }}: {{ row.evaluator_name }}, due {{ row.deadline }} "
        "({{ row.days_late }} day{{ row.days_late|pluralize }} late)\n{% endfor %}"
        "\nReview follow-up: {{ url }}\n" + _SIGN_EN,
    ),
    ("decision_selected", "fr"): (
        "[CIFRE] Dossier {{ number }} : votre candidature est retenue",
        _CAND_HELLO_FR + "Le comité de sélection du programme CIFRE de la Ville de Paris, réuni le "
        "{{ committee_date }}, a retenu votre candidature n° {{ number }} ({{ call_title }}) pour le projet "
        "« {{ thesis_title }} »{% if theme_title %} (thème « {{ theme_title }} »){% endif %}.\n\n"
        "Toutes nos félicitations. L'équipe du programme vous contactera très prochainement pour préparer "
        "votre convention CIFRE et votre recrutement.\n\nVotre dossier : {{ url }}\n" + _SIGN_FR,
    ),
    ("decision_selected", "en"): (
        "[CIFRE] Application {{ number }}: your application has been selected",
        _CAND_HELLO_EN + "The selection committee of the City of Paris CIFRE programme, which met on "
        "{{ committee_date }}, selected your application no. {{ number }} ({{ call_title }}) for the project "
        "“{{ thesis_title }}”{% if theme_title %} (theme “{{ theme_title }}”){% endif %}.\n\n"
        "Congratulations. The programme team will contact you very soon to prepare your CIFRE agreement and "
        "your recruitment.\n\nYour application: {{ url }}\n" + _SIGN_EN,
    ),
    ("decision_waiting_list", "fr"): (
        "[CIFRE] Dossier {{ number }} : votre candidature est sur liste d'attente",
        _CAND_HELLO_FR + "Le comité de sélection du programme CIFRE de la Ville de Paris, réuni le "
        "{{ committee_date }}, a placé votre candidature n° {{ number }} ({{ call_title }}) sur liste "
        "d'attente, au rang {{ waiting_rank }}.\n\n"
        "Si une place se libère, vous serez informé·e sans délai.\n\nVotre dossier : {{ url }}\n" + _SIGN_FR,
    ),
    ("decision_waiting_list", "en"): (
        "[CIFRE] Application {{ number }}: your application is on the waiting list",
        _CAND_HELLO_EN + "The selection committee of the City of Paris CIFRE programme, which met on "
        "{{ committee_date }}, placed your application no. {{ number }} ({{ call_title }}) on the waiting list, "
        "in position {{ waiting_rank }}.\n\n"
        "Should a place become available, you will be told at once.\n\nYour application: {{ url }}\n" + _SIGN_EN,
    ),
    ("decision_rejected", "fr"): (
        "[CIFRE] Dossier {{ number }} : décision du comité de sélection",
        _CAND_HELLO_FR + "Le comité de sélection du programme CIFRE de la Ville de Paris, réuni le "
        "{{ committee_date }}, a examiné votre candidature n° {{ number }} ({{ call_title }}). Nous avons le "
        "regret de vous informer qu'elle n'a pas été retenue.\n\n"
        "Nous vous remercions de l'intérêt que vous portez au programme.\n\nVotre dossier : {{ url }}\n" + _SIGN_FR,
    ),
    ("decision_rejected", "en"): (
        "[CIFRE] Application {{ number }}: the selection committee's decision",
        _CAND_HELLO_EN + "The selection committee of the City of Paris CIFRE programme, which met on "
        "{{ committee_date }}, reviewed your application no. {{ number }} ({{ call_title }}). We regret to "
        "inform you that it has not been selected.\n\n"
        "Thank you for your interest in the programme.\n\nYour application: {{ url }}\n" + _SIGN_EN,
    ),
    ("decision_promoted", "fr"): (
        "[CIFRE] Dossier {{ number }} : une place s'est libérée, votre candidature est retenue",
        _CAND_HELLO_FR + "Votre candidature n° {{ number }} ({{ call_title }}) figurait sur la liste d'attente du "
        "comité de sélection réuni le {{ committee_date }}. Une place s'étant libérée, elle est désormais "
        "retenue pour le projet « {{ thesis_title }} ».\n\n"
        "L'équipe du programme vous contactera très prochainement pour préparer votre convention CIFRE.\n\n"
        "Votre dossier : {{ url }}\n" + _SIGN_FR,
    ),
    ("decision_promoted", "en"): (
        "[CIFRE] Application {{ number }}: a place is available, your application is selected",
        _CAND_HELLO_EN + "Your application no. {{ number }} ({{ call_title }}) was on the waiting list of the "
        "selection committee that met on {{ committee_date }}. A place has become available: your application "
        "is now selected for the project “{{ thesis_title }}”.\n\n"
        "The programme team will contact you very soon to prepare your CIFRE agreement.\n\n"
        "Your application: {{ url }}\n" + _SIGN_EN,
    ),
}

_EVALUATOR_SAMPLE = {
    "evaluator_name": "Claire Fontaine",
    "call_title": "Appel à candidatures 2027",
    "number": "2027-0042",
    "thesis_title": "Les arbres d'alignement face aux vagues de chaleur",
    "theme_title": "La ville et ses arbres",
    "deadline": "15 mai 2027",
    "url": "https://example.org/candidatures/evaluation/",
    "recipient_email": "claire.fontaine@example.org",
}
_DECISION_SAMPLE = {
    "candidate_name": "Léa Bernard",
    "call_title": "Appel à candidatures 2027",
    "number": "2027-0042",
    "thesis_title": "Les arbres d'alignement face aux vagues de chaleur",
    "theme_title": "La ville et ses arbres",
    "committee_date": "12 juin 2027",
    "waiting_rank": 2,
    "url": "https://example.org/candidatures/",
    "recipient_email": "lea.bernard@example.org",
}

SAMPLE_CONTEXT = {
    "evaluator_invitation": {
        "evaluator_name": "Claire Fontaine",
        "invited_by_name": "Équipe du programme CIFRE",
        "set_password_url": "https://example.org/compte/password/reset/key/1-abc/",
        "valid_days": 3,
        "login_url": "https://example.org/compte/login/",
        "recipient_email": "claire.fontaine@example.org",
    },
    "evaluation_assigned": _EVALUATOR_SAMPLE,
    "evaluation_reminder": {**_EVALUATOR_SAMPLE, "days": 7, "declared": True},
    "evaluation_overdue": _EVALUATOR_SAMPLE,
    "evaluation_reopened": {**_EVALUATOR_SAMPLE, "reason": "Une note ne correspond pas au commentaire."},
    "evaluation_conflict_staff": {
        **_EVALUATOR_SAMPLE,
        "nature": "J'ai codirigé le mémoire de master de ce projet.",
        "declared_at": "3 mai 2027 à 10:12, heure de Paris",
        "recipient_email": "staff@example.org",
    },
    "evaluation_declined_staff": {**_EVALUATOR_SAMPLE, "reason": "", "recipient_email": "staff@example.org"},
    "evaluation_late_summary": {
        "day": "16 mai 2027",
        "count": 1,
        "rows": [
            {"number": "2027-0042", "evaluator_name": "Claire Fontaine", "deadline": "15 mai 2027", "days_late": 1}
        ],
        "url": "https://example.org/candidatures/gestion/",
        "recipient_email": "staff@example.org",
    },
    "decision_selected": _DECISION_SAMPLE,
    "decision_waiting_list": _DECISION_SAMPLE,
    "decision_rejected": _DECISION_SAMPLE,
    "decision_promoted": _DECISION_SAMPLE,
}
