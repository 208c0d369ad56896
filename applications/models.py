"""Calls for applications and candidates' dossiers.

Thin models: fields, database constraints and small properties. What happens to a dossier
(autosave, submission, screening, retention) lives in ``applications.services``; the eligibility
arithmetic is the rules engine's (``conventions.rules``).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from conventions.models import DoctoralSchool, HostDepartment

# Character limits of the thesis project, shown to the candidate and enforced by forms and models.
SUMMARY_MAX = 1500
DESCRIPTION_MAX = 8000
METHODS_MAX = 4000
TIMETABLE_MAX = 3000
CALL_TEXT_MAX = 10000
THEME_TEXT_MAX = 4000
MESSAGE_MAX = 4000


class Localised:
    """``obj.localised("title")``: the English field under /en/ when filled, else the French one."""

    def localised(self, name: str) -> str:
        if (get_language() or "fr").startswith("en"):
            value = getattr(self, f"{name}_en", "")
            if value:
                return value
        return getattr(self, f"{name}_fr")


class Call(Localised, models.Model):
    """One yearly call for applications. Times are aware datetimes, entered in Europe/Paris."""

    year = models.PositiveSmallIntegerField(
        _("année"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title_fr = models.CharField(_("titre (français)"), max_length=200)
    title_en = models.CharField(_("titre (anglais)"), max_length=200, blank=True)
    intro_fr = models.TextField(_("présentation (français)"), max_length=CALL_TEXT_MAX, blank=True)
    intro_en = models.TextField(_("présentation (anglais)"), max_length=CALL_TEXT_MAX, blank=True)
    opens_at = models.DateTimeField(_("ouverture"))
    closes_at = models.DateTimeField(_("clôture"))
    planned_filing_date = models.DateField(
        _("date prévue de dépôt à l'ANRT"), help_text=_("Date de référence des conditions d'éligibilité.")
    )
    planned_effective_date = models.DateField(_("date d'effet prévue des conventions"))
    results_date = models.DateField(_("date prévue des résultats"), null=True, blank=True)
    positions = models.PositiveSmallIntegerField(
        _("nombre de postes"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    blind_evaluation = models.BooleanField(
        _("évaluation à l'aveugle"),
        default=False,
        help_text=_("L'identité des candidat·e·s n'est jamais montrée aux évaluateur·rice·s."),
    )
    is_published = models.BooleanField(
        _("publié"), default=False, help_text=_("Un appel n'est visible et ouvert que s'il est publié.")
    )
    # Set when the committee's decisions are applied; starts the retention delay (RETENTION_MONTHS).
    decisions_on = models.DateField(_("décisions rendues le"), null=True, blank=True)
    # The scientific evaluation (applications.evaluation).
    scores_visible_after_own = models.BooleanField(
        _("notes des autres visibles après la sienne"),
        default=False,
        help_text=_(
            "Un·e évaluateur·rice voit les notes des autres évaluateur·rice·s du dossier une fois la sienne "
            "transmise ; sinon jamais."
        ),
    )
    disagreement_threshold = models.DecimalField(
        _("seuil de désaccord (points sur 20)"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("4.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("20"))],
        help_text=_("Un dossier est signalé quand l'écart entre ses notes pondérées dépasse ce seuil."),
    )
    evaluation_closed_at = models.DateTimeField(
        _("évaluation close le"),
        null=True,
        blank=True,
        help_text=_("À partir de ce moment, plus aucune note ne peut être saisie ni transmise."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("appel à candidatures")
        verbose_name_plural = _("appels à candidatures")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="applications_call_closes_after"),
        ]

    def __str__(self) -> str:
        return self.localised("title")

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.is_published and self.opens_at <= now < self.closes_at


class Theme(Localised, models.Model):
    """A research theme proposed by a municipal department for one call."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="themes", verbose_name=_("appel"))
    host_department = models.ForeignKey(
        HostDepartment, on_delete=models.PROTECT, related_name="themes", verbose_name=_("direction d'accueil")
    )
    title_fr = models.CharField(_("titre (français)"), max_length=200)
    title_en = models.CharField(_("titre (anglais)"), max_length=200, blank=True)
    description_fr = models.TextField(_("description (français)"), max_length=THEME_TEXT_MAX)
    description_en = models.TextField(_("description (anglais)"), max_length=THEME_TEXT_MAX, blank=True)
    contact_name = models.CharField(_("contact"), max_length=200)
    contact_email = models.EmailField(_("e-mail du contact"))
    keywords = models.CharField(_("mots-clés"), max_length=255, blank=True)
    # Contacts of the department who may read the dossiers of this theme (role "department").
    readers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="readable_themes", verbose_name=_("lecteur·rice·s")
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")
        ordering = ["call", "position", "id"]

    def __str__(self) -> str:
        return self.localised("title")


class Criterion(Localised, models.Model):
    """One weighted criterion of a call's evaluation grid."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("appel"))
    label_fr = models.CharField(_("intitulé (français)"), max_length=200)
    label_en = models.CharField(_("intitulé (anglais)"), max_length=200, blank=True)
    description_fr = models.TextField(_("description (français)"), max_length=2000, blank=True)
    description_en = models.TextField(_("description (anglais)"), max_length=2000, blank=True)
    weight = models.DecimalField(_("pondération"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0.01)])
    scale_min = models.PositiveSmallIntegerField(_("note minimale"), default=0)
    scale_max = models.PositiveSmallIntegerField(_("note maximale"), default=5, validators=[MaxValueValidator(100)])
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("critère")
        verbose_name_plural = _("critères")
        ordering = ["call", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="applications_criterion_weight_positive"),
            models.CheckConstraint(condition=Q(scale_max__gt=F("scale_min")), name="applications_criterion_scale"),
        ]

    def __str__(self) -> str:
        return self.localised("label")


class DossierCounter(models.Model):
    """The last dossier number given per call year, locked while a number is taken (no gap, no duplicate)."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Dossier(models.Model):
    """One candidate's application to one call: the draft, then the submitted and screened dossier.

    ``step_versions`` counts the saves of each step: an autosave or a step form carries the version
    it was loaded with, and a stale one is refused (two tabs never overwrite each other silently).
    ``version`` counts the submitted versions (1 at submission, +1 per answered request for missing
    items); each has its receipt and its one-PDF.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        SUBMITTED = "submitted", _("Déposé")
        MISSING_ITEMS = "missing_items", _("Pièces manquantes demandées")
        COMPLETE = "complete", _("Complet, en cours d'examen")
        ELIGIBLE = "eligible", _("Éligible")
        INELIGIBLE = "ineligible", _("Non éligible")
        WITHDRAWN = "withdrawn", _("Retiré")
        # The evaluation and the committee (applications.evaluation).
        IN_EVALUATION = "in_evaluation", _("En cours d'évaluation")
        SELECTED = "selected", _("Retenu")
        WAITING_LIST = "waiting_list", _("Sur liste d'attente")
        REJECTED = "rejected", _("Non retenu")

    class DegreeStatus(models.TextChoices):
        OBTAINED = "obtained", _("Obtenu")
        EXPECTED = "expected", _("En cours (obtention prévue)")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("appel"))
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name=_("candidat·e"),
    )
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("numéro"), max_length=9, unique=True, null=True, blank=True)
    status = models.CharField(_("statut"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    version = models.PositiveIntegerField(_("version déposée"), default=0)
    step_versions = models.JSONField(default=dict, blank=True)

    # Step "candidate": contact details. Never a birth date or a photo (DESIGN.md).
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    email = models.EmailField(_("adresse e-mail de contact"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=32, blank=True)
    address = models.TextField(_("adresse postale"), max_length=500, blank=True)
    needs_work_permit = models.BooleanField(_("autorisation de travail nécessaire en France"), null=True, blank=True)

    # Step "degree".
    degree_title = models.CharField(_("intitulé du master ou diplôme équivalent"), max_length=255, blank=True)
    degree_institution = models.CharField(_("établissement"), max_length=255, blank=True)
    degree_status = models.CharField(_("situation"), max_length=16, choices=DegreeStatus.choices, blank=True)
    degree_date = models.DateField(_("date d'obtention (ou prévue)"), null=True, blank=True)
    holds_doctorate = models.BooleanField(_("déjà titulaire d'un doctorat"), null=True, blank=True)

    # Step "enrolment".
    already_enrolled = models.BooleanField(_("déjà inscrit·e en doctorat"), null=True, blank=True)
    first_enrolment_date = models.DateField(_("date de première inscription en doctorat"), null=True, blank=True)
    enrolment_doctoral_school = models.CharField(_("école doctorale d'inscription"), max_length=255, blank=True)
    other_thesis_started = models.BooleanField(_("une autre thèse a déjà été commencée"), null=True, blank=True)

    # Step "work": periods already worked for the City (WorkPeriod rows).
    worked_for_city = models.BooleanField(_("a déjà travaillé pour la Ville de Paris"), null=True, blank=True)

    # Step "project".
    theme = models.ForeignKey(
        Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="dossiers", verbose_name=_("thème")
    )
    thesis_title = models.CharField(_("titre du projet de thèse"), max_length=300, blank=True)
    summary = models.TextField(_("résumé"), max_length=SUMMARY_MAX, blank=True)
    research_description = models.TextField(_("description de la recherche"), max_length=DESCRIPTION_MAX, blank=True)
    methods = models.TextField(_("méthodes"), max_length=METHODS_MAX, blank=True)
    timetable = models.TextField(_("calendrier"), max_length=TIMETABLE_MAX, blank=True)
    keywords = models.CharField(_("mots-clés"), max_length=255, blank=True)
    discipline = models.CharField(_("discipline"), max_length=150, blank=True)

    # Step "lab": the lab, its doctoral school and the thesis director.
    lab_name = models.CharField(_("nom du laboratoire"), max_length=255, blank=True)
    lab_unit_code = models.CharField(_("code d'unité"), max_length=32, blank=True)
    lab_institution = models.CharField(_("établissement de tutelle"), max_length=255, blank=True)
    lab_doctoral_school = models.ForeignKey(
        DoctoralSchool,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("école doctorale du laboratoire"),
    )
    lab_abroad = models.BooleanField(_("laboratoire à l'étranger"), null=True, blank=True)
    lab_cotutelle = models.BooleanField(_("cotutelle avec un établissement français"), null=True, blank=True)
    director_name = models.CharField(_("nom du ou de la directeur·rice de thèse"), max_length=200, blank=True)
    director_email = models.EmailField(_("e-mail du ou de la directeur·rice de thèse"), blank=True)
    director_lab = models.CharField(_("laboratoire du ou de la directeur·rice"), max_length=255, blank=True)

    # Eligibility (RULES.md §2) as computed at submission: a list of {code, ok, message_fr, message_en}.
    eligibility = models.JSONField(_("pré-contrôle d'éligibilité"), default=list, blank=True)
    # Screening: the reasons given with an eligible/ineligible decision (shown to the candidate).
    screening_reasons = models.TextField(_("motifs"), max_length=MESSAGE_MAX, blank=True)

    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    submitted_at = models.DateTimeField(_("déposé le"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymisé le"), null=True, blank=True)
    # The draft convention a selected dossier was handed over to (applications.evaluation.handover).
    convention = models.OneToOneField(
        "conventions.Convention",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dossier",
        verbose_name=_("convention"),
    )

    class Meta:
        verbose_name = _("dossier de candidature")
        verbose_name_plural = _("dossiers de candidature")
        ordering = ["call", "number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "candidate"], condition=Q(candidate__isnull=False), name="applications_one_per_call"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(number__isnull=False), name="applications_submitted_has_number"
            ),
        ]

    def __str__(self) -> str:
        return self.number or _("Brouillon n° %(id)s") % {"id": self.pk}

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class WorkPeriod(models.Model):
    """A period already worked for the City (the employer): it counts against the nine months of Art. 1."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="work_periods")
    start = models.DateField(_("début"))
    end = models.DateField(_("fin"), null=True, blank=True, help_text=_("Laisser vide si le contrat est en cours."))
    description = models.CharField(_("poste ou mission"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("période de travail pour la Ville")
        verbose_name_plural = _("périodes de travail pour la Ville")
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="applications_work_period_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.start} → {self.end or '…'}"


def dossier_file_upload_to(instance, filename: str) -> str:
    return f"applications/{instance.dossier.uuid.hex}/{uuid.uuid4().hex}.pdf"


class DossierFile(models.Model):
    """One uploaded PDF of a dossier. Replacing a document keeps the old row (``is_current=False``) once the
    dossier was submitted, so every submitted version stays exactly as it was."""

    class Kind(models.TextChoices):
        CV = "cv", _("Curriculum vitæ")
        DIPLOMA = "diploma", _("Diplôme ou attestation de réussite")
        TRANSCRIPTS = "transcripts", _("Relevés de notes")
        COVER_LETTER = "cover_letter", _("Lettre de motivation")
        SUPPORT_LETTER = "support_letter", _("Lettre de soutien du ou de la directeur·rice de thèse")
        PROJECT = "project", _("Projet de thèse (un seul PDF)")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("pièce"), max_length=16, choices=Kind.choices)
    file = models.FileField(_("fichier PDF"), upload_to=dossier_file_upload_to)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    size = models.PositiveIntegerField(_("taille (octets)"))
    pages = models.PositiveIntegerField(_("pages"), default=0)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("déposé le"), auto_now_add=True)
    is_current = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("pièce du dossier")
        verbose_name_plural = _("pièces du dossier")
        ordering = ["dossier", "kind", "-uploaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "kind"], condition=Q(is_current=True), name="applications_one_current_file"
            )
        ]

    def __str__(self) -> str:
        return self.original_name


def rendition_upload_to(instance, filename: str) -> str:
    return f"applications/{instance.dossier.uuid.hex}/{instance.kind}-v{instance.version}-{uuid.uuid4().hex}.pdf"


class Rendition(models.Model):
    """A PDF generated once per submitted version: the receipt, the whole dossier as one PDF (and its
    blind variant, for evaluators of a blind call)."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Accusé de réception")
        DOSSIER = "dossier", _("Dossier complet")
        BLIND = "blind", _("Dossier complet anonymisé")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="renditions")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    version = models.PositiveIntegerField()
    file = models.FileField(upload_to=rendition_upload_to)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dossier", "kind", "version"], name="applications_rendition_unique")
        ]

    def __str__(self) -> str:
        return f"{self.dossier} {self.kind} v{self.version}"


class MissingItemsRequest(models.Model):
    """Staff ask for missing items: the dossier reopens for those items only, until the candidate answers."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="requests")
    items = models.JSONField(_("éléments demandés"), default=list)
    message = models.TextField(_("message au ou à la candidat·e"), max_length=MESSAGE_MAX)
    deadline = models.DateTimeField(_("date limite de réponse"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)
    lapsed_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("demande de pièces manquantes")
        verbose_name_plural = _("demandes de pièces manquantes")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"], condition=Q(answered_at__isnull=True), name="applications_one_open_request"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier} ({self.deadline:%Y-%m-%d})"


class EligibilityOverride(models.Model):
    """Staff override of one failing eligibility check, with the written reason."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="overrides")
    code = models.CharField(_("contrôle"), max_length=32)
    reason = models.TextField(_("motif"), max_length=MESSAGE_MAX)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dossier", "code"], name="applications_override_unique")]

    def __str__(self) -> str:
        return f"{self.dossier} {self.code}"


class DossierEvent(models.Model):
    """The dossier's history: who did what and when. ``public`` entries are shown to the candidate."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Brouillon créé")
        SUBMITTED = "submitted", _("Dossier déposé")
        COMPLETE = "complete", _("Dossier déclaré complet")
        MISSING_ITEMS = "missing_items", _("Pièces manquantes demandées")
        ANSWERED = "answered", _("Pièces manquantes transmises")
        REQUEST_LAPSED = "request_lapsed", _("Délai de réponse dépassé")
        ELIGIBLE = "eligible", _("Déclaré éligible")
        INELIGIBLE = "ineligible", _("Déclaré non éligible")
        OVERRIDE = "override", _("Contrôle d'éligibilité levé")
        WITHDRAWN = "withdrawn", _("Dossier retiré")
        ANONYMISED = "anonymised", _("Données personnelles effacées")
        # The evaluation's record for ANRT (never public, except the decision once its letter is sent).
        EVALUATION_STARTED = "evaluation_started", _("Évaluation scientifique en cours")
        ASSIGNED = "assigned", _("Confié à un·e évaluateur·rice")
        UNASSIGNED = "unassigned", _("Affectation retirée")
        NO_CONFLICT = "no_conflict", _("Absence de conflit d'intérêts déclarée")
        CONFLICT = "conflict", _("Conflit d'intérêts déclaré")
        DECLINED = "declined", _("Évaluation déclinée")
        EVALUATION_SUBMITTED = "evaluation_submitted", _("Évaluation transmise")
        EVALUATION_REOPENED = "evaluation_reopened", _("Évaluation rouverte")
        CALL_EVALUATION_CLOSED = "call_evaluation_closed", _("Évaluation de l'appel close")
        CALL_EVALUATION_OPENED = "call_evaluation_opened", _("Évaluation de l'appel rouverte")
        DECISION_SET = "decision_set", _("Décision du comité saisie")
        DECISION_APPLIED = "decision_applied", _("Décision du comité appliquée")
        DECISION_SENT = "decision_sent", _("Décision communiquée")
        PROMOTED = "promoted", _("Repêché sur la liste d'attente")
        HANDED_OVER = "handed_over", _("Convention préparée")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    public = models.BooleanField(default=True)
    message = models.TextField(max_length=MESSAGE_MAX, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["dossier", "at"], name="applications_event_idx")]

    def __str__(self) -> str:
        return f"{self.dossier} {self.kind} {self.at:%Y-%m-%d}"


# The evaluation's models (a package of this app): imported here so Django and the migrations see them.
from .evaluation.models import *  # noqa: E402,F401,F403
