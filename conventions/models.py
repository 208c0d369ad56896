"""Conventions: reference data, the convention record, its events, obligations and documents.

Thin models: fields, database constraints and small properties. The CIFRE arithmetic lives in
``conventions.rules`` (pure) and the state changes in ``conventions.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cifre.bounds import BoundedTextField, PlausibleDateField

ANRT_NUMBER_RE = r"^\d{4}/\d{4}$"


def validate_siret(value: str) -> None:
    """A SIRET is 14 digits passing the Luhn check (La Poste's establishments are the known exception)."""
    from django.core.exceptions import ValidationError

    digits = (value or "").replace(" ", "")
    if len(digits) != 14 or not digits.isdigit():
        raise ValidationError(_("Un SIRET comporte exactement 14 chiffres."), code="siret_format")
    if digits.startswith("356000000") and sum(int(c) for c in digits) % 5 == 0:  # La Poste's establishments
        return
    total = 0
    for index, char in enumerate(reversed(digits)):
        n = int(char)
        if index % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    if total % 10 != 0:
        raise ValidationError(_("Ce SIRET n'est pas valide (clé de contrôle incorrecte)."), code="siret_checksum")


class DoctoralSchool(models.Model):
    number = models.PositiveIntegerField(_("numéro"), unique=True)
    name = models.CharField(_("nom"), max_length=255)

    class Meta:
        verbose_name = _("école doctorale")
        verbose_name_plural = _("écoles doctorales")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"ED {self.number} – {self.name}"


class Employer(models.Model):
    class Kind(models.TextChoices):
        COMPANY = "company", _("Entreprise")
        ASSOCIATION = "association", _("Association")
        LOCAL_AUTHORITY = "local_authority", _("Collectivité territoriale")
        CONSULAR_CHAMBER = "consular_chamber", _("Chambre consulaire")
        TECHNICAL_CENTRE = "technical_centre", _("Centre technique (CTI, CRT, ITAI, PFI)")
        RESEARCH = "research_or_higher_education", _("Établissement de recherche ou d'enseignement supérieur")

    name = models.CharField(_("nom"), max_length=255)
    siret = models.CharField(_("SIRET"), max_length=14, unique=True, validators=[validate_siret])
    kind = models.CharField(_("nature"), max_length=32, choices=Kind.choices, default=Kind.LOCAL_AUTHORITY)
    address = BoundedTextField(_("adresse"), max_length=500)

    class Meta:
        verbose_name = _("employeur")
        verbose_name_plural = _("employeurs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class HostDepartment(models.Model):
    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="departments", verbose_name=_("employeur")
    )
    name = models.CharField(_("nom"), max_length=255)
    acronym = models.CharField(_("sigle"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("direction d'accueil")
        verbose_name_plural = _("directions d'accueil")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["employer", "name"], name="conventions_department_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class Lab(models.Model):
    name = models.CharField(_("nom"), max_length=255)
    unit_code = models.CharField(_("code d'unité"), max_length=32, help_text=_("Par exemple UMR 8097."))
    institution = models.CharField(_("établissement de tutelle"), max_length=255)
    country = models.CharField(_("pays"), max_length=64, default="France")
    doctoral_school = models.ForeignKey(
        DoctoralSchool,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="labs",
        verbose_name=_("école doctorale"),
    )

    class Meta:
        verbose_name = _("laboratoire")
        verbose_name_plural = _("laboratoires")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["unit_code"], name="conventions_lab_unit_code_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit_code})"


class Person(models.Model):
    name = models.CharField(_("nom"), max_length=255)
    email = models.EmailField(_("adresse e-mail"))
    preferred_language = models.CharField(
        _("langue de correspondance"), max_length=8, choices=settings.LANGUAGES, default="fr"
    )

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Tutor(Person):
    """The employer-side supervisor (tuteur·rice en entreprise / au sein de la Ville)."""

    class Meta(Person.Meta):
        verbose_name = _("tuteur·rice")
        verbose_name_plural = _("tuteur·rice·s")
        constraints = [models.UniqueConstraint(fields=["email"], name="conventions_tutor_email_unique")]


class ThesisDirector(Person):
    class Meta(Person.Meta):
        verbose_name = _("directeur·rice de thèse")
        verbose_name_plural = _("directeur·rice·s de thèse")
        constraints = [models.UniqueConstraint(fields=["email"], name="conventions_director_email_unique")]


class Convention(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        ACTIVE = "active", _("En cours")
        SUSPENDED = "suspended", _("Suspendue")
        ENDED = "ended", _("Terminée")
        TERMINATED = "terminated", _("Rompue")

    class ContractType(models.TextChoices):
        PERMANENT = "permanent", _("CDI")
        FIXED_TERM = "fixed_term", _("CDD")

    doctoral_student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="conventions", verbose_name=_("doctorant·e")
    )
    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="conventions", verbose_name=_("employeur")
    )
    host_department = models.ForeignKey(
        HostDepartment, on_delete=models.PROTECT, related_name="conventions", verbose_name=_("direction d'accueil")
    )
    lab = models.ForeignKey(Lab, on_delete=models.PROTECT, related_name="conventions", verbose_name=_("laboratoire"))
    second_lab = models.ForeignKey(
        Lab,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conventions_as_second",
        verbose_name=_("second laboratoire"),
    )
    tutor = models.ForeignKey(
        Tutor, on_delete=models.PROTECT, related_name="conventions", verbose_name=_("tuteur·rice")
    )
    thesis_director = models.ForeignKey(
        ThesisDirector, on_delete=models.PROTECT, related_name="conventions", verbose_name=_("directeur·rice de thèse")
    )
    thesis_title = models.CharField(_("titre de la thèse"), max_length=500)
    # Given by ANRT when the dossier is filed: a draft (e.g. handed over from a selected application)
    # may not have it yet; a signed convention always has it (constraint below).
    anrt_number = models.CharField(
        _("numéro ANRT"),
        max_length=9,
        unique=True,
        null=True,
        blank=True,
        validators=[RegexValidator(ANRT_NUMBER_RE, _("Le numéro ANRT s'écrit AAAA/NNNN, par exemple 2025/0123."))],
        error_messages={"unique": _("Une convention porte déjà ce numéro ANRT.")},
    )
    committee_date = PlausibleDateField(_("date du comité"))
    submission_date = PlausibleDateField(_("date de dépôt à l'ANRT"))
    effective_date = PlausibleDateField(_("date d'effet"))
    doctoral_enrolment_date = PlausibleDateField(_("date de première inscription en doctorat"), null=True, blank=True)
    duration_months = models.PositiveSmallIntegerField(
        _("durée (mois)"), help_text=_("Calculée selon les règles CIFRE, ou durée signée si elle est renseignée.")
    )
    signed_duration_months = models.PositiveSmallIntegerField(
        _("durée signée (mois)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
        help_text=_("À renseigner seulement si la convention signée indique une autre durée que le calcul."),
    )
    duration_reason = models.CharField(_("motif de la durée signée"), max_length=500, blank=True)
    contract_type = models.CharField(_("contrat de travail"), max_length=16, choices=ContractType.choices)
    contract_end_date = PlausibleDateField(_("fin du CDD"), null=True, blank=True)
    gross_salary = models.DecimalField(_("salaire annuel brut (€)"), max_digits=10, decimal_places=2)
    work_permit_required = models.BooleanField(_("autorisation de travail nécessaire"), default=False)
    defence_date = PlausibleDateField(_("date de soutenance"), null=True, blank=True)
    status = models.CharField(_("statut"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    # Rates of the effective date's year, frozen when the convention is recorded (RULES.md §4).
    rate_year = models.PositiveSmallIntegerField(_("année du barème"))
    annual_subsidy = models.DecimalField(_("subvention annuelle (€)"), max_digits=10, decimal_places=2)
    minimum_salary = models.DecimalField(_("salaire minimum (€)"), max_digits=10, decimal_places=2)
    termination_date = PlausibleDateField(_("date de rupture"), null=True, blank=True)
    termination_reason = models.CharField(_("motif de la rupture"), max_length=500, blank=True)
    # Derived from the rules engine at each recomputation, stored for lists and filters.
    end_date = PlausibleDateField(_("date de fin"), null=True, blank=True)
    lost_on = PlausibleDateField(_("subvention perdue à partir du"), null=True, blank=True)
    next_deadline = PlausibleDateField(_("prochaine échéance"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("convention")
        verbose_name_plural = _("conventions")
        ordering = ["-effective_date", "anrt_number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_date__gte=F("committee_date")), name="conventions_effective_after_committee"
            ),
            models.CheckConstraint(
                condition=Q(contract_type="permanent", contract_end_date__isnull=True)
                | Q(contract_type="fixed_term", contract_end_date__isnull=False),
                name="conventions_contract_end_matches_type",
            ),
            models.CheckConstraint(
                condition=Q(gross_salary__gte=F("minimum_salary")), name="conventions_salary_minimum"
            ),
            models.CheckConstraint(
                condition=Q(anrt_number__regex=ANRT_NUMBER_RE), name="conventions_anrt_number_format"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(anrt_number__isnull=False), name="conventions_signed_has_anrt_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} – {self.doctoral_student}"

    @property
    def reference(self) -> str:
        """The ANRT number, or for a draft without one yet, "brouillon n° <id>"."""
        if self.anrt_number:
            return self.anrt_number
        return _("brouillon n° %(id)s") % {"id": self.pk}

    @property
    def file_prefix(self) -> str:
        """The start of a download's file name: ``2025-0123``, or ``brouillon-<id>``."""
        return self.anrt_number.replace("/", "-") if self.anrt_number else f"brouillon-{self.pk}"


def document_upload_to(instance, filename: str) -> str:
    import uuid

    return f"conventions/documents/{uuid.uuid4().hex}.pdf"


def amendment_upload_to(instance, filename: str) -> str:
    import uuid

    return f"conventions/amendments/{uuid.uuid4().hex}.pdf"


class Amendment(models.Model):
    class Kind(models.TextChoices):
        TUTOR = "tutor", _("Changement de tuteur·rice")
        DIRECTOR = "director", _("Changement de directeur·rice de thèse")
        EXTENSION = "extension", _("Prolongation")
        OTHER = "other", _("Autre")

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="amendments")
    kind = models.CharField(_("nature"), max_length=16, choices=Kind.choices)
    date = PlausibleDateField(_("date"))
    description = BoundedTextField(_("description"), max_length=2000, blank=True)
    file = models.FileField(_("document"), upload_to=amendment_upload_to, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("avenant")
        verbose_name_plural = _("avenants")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.date})"


class Suspension(models.Model):
    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="suspensions")
    start = PlausibleDateField(_("début"))
    end = PlausibleDateField(_("fin"))
    reason = models.CharField(_("motif"), max_length=255, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        ordering = ["start"]
        constraints = [models.CheckConstraint(condition=Q(end__gte=F("start")), name="conventions_suspension_order")]

    def __str__(self) -> str:
        return f"{self.start} → {self.end}"


class Obligation(models.Model):
    """One annex of RULES.md §5 for one convention, as last computed by the rules engine."""

    class Status(models.TextChoices):
        UPCOMING = "upcoming", _("À venir")
        RECEIVED = "received", _("Reçu")
        OVERDUE = "overdue", _("En retard")
        MISSED = "missed", _("Manqué")

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="obligations")
    key = models.CharField(_("clé"), max_length=40)
    kind = models.CharField(_("nature"), max_length=32, db_index=True)
    due_date = PlausibleDateField(_("échéance"), db_index=True)
    forfeits_on = PlausibleDateField(_("perte des droits le"), null=True, blank=True, db_index=True)
    received_on = PlausibleDateField(_("reçu par l'ANRT le"), null=True, blank=True)
    received_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("réception enregistrée par"),
    )
    status = models.CharField(_("statut"), max_length=16, choices=Status.choices, db_index=True)
    gates = models.JSONField(_("échéances conditionnées"), default=list, blank=True)
    # False when the convention changed so that this obligation no longer exists (kept: it may hold documents).
    is_current = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        ordering = ["due_date", "key"]
        constraints = [models.UniqueConstraint(fields=["convention", "key"], name="conventions_obligation_unique")]

    def __str__(self) -> str:
        return f"{self.convention.reference} {self.key}"


class Document(models.Model):
    """A PDF sent for an obligation. Staff record the date ANRT received it; a doctoral student's upload waits
    for staff confirmation before it counts."""

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("fichier PDF"), upload_to=document_upload_to)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    size = models.PositiveIntegerField(_("taille (octets)"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("déposé par")
    )
    uploaded_at = models.DateTimeField(_("déposé le"), auto_now_add=True)
    received_on = PlausibleDateField(_("reçu par l'ANRT le"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmé par"),
    )
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None
