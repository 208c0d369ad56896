# ruff: noqa: E501 - long lines of Markdown prose
"""Initial text of the accessibility statement, legal notice and privacy pages (staff edit them in the admin).

Used once by the data migration 0002; later changes are made in the admin, not here.
"""

ACCESSIBILITY_FR = """La Ville de Paris s'engage à rendre ses services numériques accessibles, conformément à l'article 47 de la loi n° 2005-102 du 11 février 2005.

Cette déclaration d'accessibilité s'applique au site du programme CIFRE de la Ville de Paris.

## État de conformité

Le site du programme CIFRE de la Ville de Paris est **partiellement conforme** avec le référentiel général d'amélioration de l'accessibilité (RGAA), version 4.1, en raison des non-conformités et des dérogations énumérées ci-dessous.

## Résultats des tests

Aucun audit complet par un organisme externe n'a encore été réalisé. Chaque type de page publique est vérifié automatiquement à chaque modification du code, dans un navigateur réel, avec l'outil axe-core (critères WCAG 2.1 niveaux A et AA) : aucune erreur n'est relevée sur les pages testées. Un audit RGAA complet est prévu ; ses résultats seront publiés ici.

## Contenus non accessibles

### Non-conformités

- Les tests automatiques ne couvrent qu'une partie des critères du RGAA : la pertinence des alternatives textuelles et la restitution par les lecteurs d'écran n'ont pas encore été vérifiées par un audit manuel.

### Contenus non soumis à l'obligation d'accessibilité

- Les documents bureautiques publiés avant le 23 septembre 2018.
- Les contenus de tiers (liens vers theses.fr, HAL ou d'autres sites).

## Établissement de cette déclaration d'accessibilité

### Technologies utilisées

HTML5, CSS, JavaScript.

### Environnement de test

Chromium (version Debian) piloté par Playwright, avec axe-core.

## Retour d'information et contact

Si vous n'arrivez pas à accéder à un contenu ou à un service, vous pouvez écrire à l'équipe du programme (cifre-staff@example.org) pour être orienté·e vers une alternative accessible ou obtenir le contenu sous une autre forme.

## Voies de recours

Si vous avez signalé un défaut d'accessibilité qui vous empêche d'accéder à un contenu ou à un service et que vous n'avez pas obtenu de réponse satisfaisante, vous pouvez :

- écrire un message au [Défenseur des droits](https://formulaire.defenseurdesdroits.fr/) ;
- contacter [le délégué du Défenseur des droits dans votre région](https://www.defenseurdesdroits.fr/saisir/delegues) ;
- envoyer un courrier par la poste (gratuit, ne pas mettre de timbre) : Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07.
"""

ACCESSIBILITY_EN = """The City of Paris is committed to making its digital services accessible, in accordance with article 47 of French law no. 2005-102 of 11 February 2005.

This accessibility statement applies to the website of the City of Paris CIFRE programme.

## Compliance status

The website of the City of Paris CIFRE programme is **partially compliant** with the French accessibility framework (RGAA), version 4.1, because of the non-compliances and exemptions listed below.

## Test results

No complete audit by an external body has been carried out yet. Every kind of public page is checked automatically on each change of the code, in a real browser, with axe-core (WCAG 2.1 levels A and AA): no error is found on the tested pages. A complete RGAA audit is planned; its results will be published here.

## Non-accessible content

### Non-compliances

- Automated tests cover only part of the RGAA criteria: the relevance of text alternatives and screen-reader rendering have not yet been checked by a manual audit.

### Content not subject to the accessibility obligation

- Office documents published before 23 September 2018.
- Third-party content (links to theses.fr, HAL or other sites).

## How this statement was prepared

### Technologies used

HTML5, CSS, JavaScript.

### Test environment

Chromium (Debian build) driven by Playwright, with axe-core.

## Feedback and contact

If you cannot access a content or a service, write to the programme team (cifre-staff@example.org) to be directed to an accessible alternative or to obtain the content in another form.

## Remedies

If you reported an accessibility defect that prevents you from accessing a content or a service and did not get a satisfactory answer, you may:

- write to the [Défenseur des droits](https://formulaire.defenseurdesdroits.fr/);
- contact [the Défenseur des droits delegate in your region](https://www.defenseurdesdroits.fr/saisir/delegues);
- send a letter by post (free, no stamp needed): Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07.
"""

LEGAL_FR = """## Éditeur

Ville de Paris, Hôtel de Ville, place de l'Hôtel de Ville, 75004 Paris.

Le programme CIFRE de la Ville de Paris est conduit en partenariat avec l'Institut d'études avancées de Paris (IEA de Paris).

## Directrice de la publication

La Maire de Paris.

## Hébergement

Le site est hébergé sur l'infrastructure choisie par la Ville de Paris ; les coordonnées de l'hébergeur sont communiquées sur simple demande à l'équipe du programme.

## Propriété intellectuelle

Les textes de ce site sont publiés par la Ville de Paris. Leur reproduction est autorisée avec mention de la source, sauf pour les photographies et les contenus de tiers, qui restent la propriété de leurs auteurs.

## Liens

Les liens vers d'autres sites (theses.fr, HAL, sites des laboratoires) n'engagent pas la Ville de Paris quant à leur contenu.

## Contact

Équipe du programme CIFRE : cifre-staff@example.org.
"""

LEGAL_EN = """## Publisher

City of Paris, Hôtel de Ville, place de l'Hôtel de Ville, 75004 Paris, France.

The City of Paris CIFRE programme is run in partnership with the Paris Institute for Advanced Study (IEA de Paris).

## Director of publication

The Mayor of Paris.

## Hosting

The site is hosted on the infrastructure chosen by the City of Paris; the host's details are available on request from the programme team.

## Intellectual property

The texts of this site are published by the City of Paris. They may be reproduced with mention of the source, except photographs and third-party content, which remain their authors' property.

## Links

Links to other sites (theses.fr, HAL, laboratories' sites) do not commit the City of Paris as to their content.

## Contact

CIFRE programme team: cifre-staff@example.org.
"""

PRIVACY_FR = """La Ville de Paris est responsable des traitements de données personnelles de ce site. Cette page dit ce que l'application conserve, pourquoi et combien de temps.

## Visiteur·euse·s

- Aucun outil de mesure d'audience ni aucun contenu de tiers (police, vidéo, réseau social) n'est chargé.
- Cookies strictement nécessaires : la session (si vous vous connectez), la protection contre la falsification de requêtes (CSRF) et la langue choisie. Ils ne demandent pas de consentement.

## Inscriptions aux événements

- Données : nom, adresse e-mail, langue, date d'inscription, statut (inscrit·e, liste d'attente, annulée).
- Finalité : gérer la liste des participant·e·s, la liste d'attente et vous écrire au sujet de l'événement.
- Durée : trois mois après l'événement, puis suppression.

## Candidat·e·s

- Données : compte (adresse e-mail), dossier de candidature (coordonnées, diplôme, inscription en doctorat, périodes de travail pour la Ville, projet de thèse, laboratoire et direction de thèse) et pièces justificatives, évaluations. Ni date de naissance ni photo ; la nationalité n'est demandée que sous la forme « autorisation de travail nécessaire en France : oui ou non ».
- Finalité : instruire la candidature, l'évaluation scientifique (IEA de Paris) et la décision.
- Durée : les dossiers non retenus sont anonymisés {retention_months} mois après la décision. Les pièces déposées et les PDF du dossier sont alors supprimés ; les coordonnées, les textes du dossier, le laboratoire, la direction de thèse, les motifs et les messages échangés (y compris les e-mails envoyés) sont effacés, et le dossier n'est plus relié à votre compte. Seules restent des données statistiques : l'appel, le numéro, le thème, le statut, la discipline, l'année du diplôme, le code d'unité du laboratoire et le résultat de chaque contrôle d'éligibilité. Un brouillon jamais déposé est supprimé {retention_months} mois après la clôture de l'appel. Ce traitement a lieu chaque jour, automatiquement.
- Vos droits sur le dossier : chaque candidat·e peut télécharger ses données depuis son espace (un fichier JSON et une archive ZIP de ses pièces) et retirer un dossier déposé.

## Doctorant·e·s et conventions

- Données : convention CIFRE, pièces demandées par l'ANRT (certificats d'inscription, rapports), échéancier de subvention.
- Finalité : exécuter la convention et obtenir la subvention de l'ANRT.
- Durée : la durée de la convention, puis les délais d'archivage applicables aux pièces administratives et comptables.

## Personnes présentées sur le site

Les doctorant·e·s, ancien·ne·s, tuteur·rice·s et partenaires ne sont présenté·e·s qu'avec leur consentement, qu'ils ou elles peuvent retirer à tout moment.

## Vos droits

Vous pouvez accéder à vos données, les faire rectifier ou effacer, vous opposer à leur traitement ou en demander la limitation, en écrivant à l'équipe du programme (cifre-staff@example.org) ou au délégué à la protection des données de la Ville de Paris. Vous pouvez aussi adresser une réclamation à la [CNIL](https://www.cnil.fr/).
"""

PRIVACY_EN = """The City of Paris is the controller of the personal data processed by this site. This page says what the application keeps, why and for how long.

## Visitors

- No audience measurement tool and no third-party content (font, video, social network) is loaded.
- Strictly necessary cookies: the session (if you log in), protection against request forgery (CSRF) and the chosen language. They need no consent.

## Event registrations

- Data: name, e-mail address, language, registration date, status (registered, waiting list, cancelled).
- Purpose: manage the participant list and the waiting list, and write to you about the event.
- Retention: three months after the event, then deleted.

## Candidates

- Data: account (e-mail address), application dossier (contact details, degree, doctoral enrolment, periods worked for the City, thesis project, laboratory and thesis director) and supporting documents, evaluations. No birth date and no photo; nationality is only asked as "needs a work permit in France: yes or no".
- Purpose: examine the application, the scientific evaluation (IEA de Paris) and the decision.
- Retention: unsuccessful dossiers are anonymised {retention_months} months after the decision. The uploaded documents and the dossier's PDFs are then deleted; the contact details, the dossier's texts, the laboratory, the thesis director, the reasons and the messages exchanged (the e-mails sent included) are erased, and the dossier is no longer linked to your account. Only statistical data remain: the call, the number, the theme, the status, the discipline, the year of the degree, the laboratory's unit code and the result of each eligibility check. A draft never submitted is deleted {retention_months} months after the call closed. This runs every day, automatically.
- Your rights over the dossier: every candidate can download their data from their space (a JSON file and a ZIP archive of their documents) and withdraw a submitted dossier.

## Doctoral students and conventions

- Data: CIFRE convention, documents required by ANRT (enrolment certificates, reports), subsidy schedule.
- Purpose: carry out the convention and obtain ANRT's subsidy.
- Retention: the length of the convention, then the archiving periods that apply to administrative and accounting documents.

## People shown on the site

Doctoral students, alumni, tutors and partners are shown only with their consent, which they may withdraw at any time.

## Your rights

You may access your data, have it corrected or erased, object to its processing or ask for it to be restricted, by writing to the programme team (cifre-staff@example.org) or to the City of Paris data protection officer. You may also lodge a complaint with the [CNIL](https://www.cnil.fr/).
"""


# The candidates' section as first shipped (issue 4). A privacy page whose text is still exactly the
# first one was never edited by staff: ``ensure_legal_pages`` brings it up to date (issue 10 added
# the dossiers' retention); an edited page is left as staff wrote it.
FIRST_CANDIDATES_FR = """## Candidat·e·s

- Données : compte (adresse e-mail), dossier de candidature et pièces justificatives, évaluations.
- Finalité : instruire la candidature, l'évaluation scientifique (IEA de Paris) et la décision.
- Durée : les dossiers non retenus sont anonymisés {retention_months} mois après la décision. Chaque candidat·e peut télécharger ses données depuis son espace.
"""

FIRST_CANDIDATES_EN = """## Candidates

- Data: account (e-mail address), application dossier and supporting documents, evaluations.
- Purpose: examine the application, the scientific evaluation (IEA de Paris) and the decision.
- Retention: unsuccessful dossiers are anonymised {retention_months} months after the decision. Every candidate can download their data from their space.
"""


def _section(text: str, heading: str, following: str) -> str:
    return text[text.index(heading) : text.index(following)].rstrip("\n") + "\n"


def first_privacy(retention_months: int) -> dict[str, str]:
    """The privacy page's bodies as first shipped, for ``retention_months``."""
    fr = PRIVACY_FR.replace(_section(PRIVACY_FR, "## Candidat·e·s", "## Doctorant·e·s"), FIRST_CANDIDATES_FR)
    en = PRIVACY_EN.replace(_section(PRIVACY_EN, "## Candidates", "## Doctoral students"), FIRST_CANDIDATES_EN)
    return {
        "body_fr": fr.format(retention_months=retention_months),
        "body_en": en.format(retention_months=retention_months),
    }


def pages(retention_months: int) -> list[dict]:
    return [
        {
            "slug": "accessibilite",
            "title_fr": "Déclaration d'accessibilité",
            "title_en": "Accessibility statement",
            "body_fr": ACCESSIBILITY_FR,
            "body_en": ACCESSIBILITY_EN,
        },
        {
            "slug": "mentions-legales",
            "title_fr": "Mentions légales",
            "title_en": "Legal notice",
            "body_fr": LEGAL_FR,
            "body_en": LEGAL_EN,
        },
        {
            "slug": "donnees-personnelles",
            "title_fr": "Données personnelles",
            "title_en": "Personal data",
            "body_fr": PRIVACY_FR.format(retention_months=retention_months),
            "body_en": PRIVACY_EN.format(retention_months=retention_months),
        },
    ]


def ensure_legal_pages(using: str = "default") -> None:
    """Create any missing legal page (the footer links to all three); edited pages are kept."""
    from django.conf import settings

    from .models import Page

    first = first_privacy(settings.RETENTION_MONTHS)
    for data in pages(settings.RETENTION_MONTHS):
        slug = data.pop("slug")
        page, created = Page.objects.using(using).get_or_create(slug=slug, defaults=data)
        if not created and slug == "donnees-personnelles":
            unedited = [name for name in ("body_fr", "body_en") if getattr(page, name) == first[name]]
            for name in unedited:
                setattr(page, name, data[name])
            if unedited:
                page.save(using=using)


def on_post_migrate(sender, using: str = "default", **kwargs) -> None:
    # Also runs after a test flush, which empties the tables the data migrations filled.
    ensure_legal_pages(using)
