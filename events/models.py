"""Content of the public site: pages, news, events with registrations, and people.

Texts are stored in both languages (``*_fr`` / ``*_en``); ``translated(obj, "title")`` picks the
active language and falls back to French when the English text is missing.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cifre.bounds import BoundedTextField, PlausibleDateField, PlausibleDateTimeField, validate_plausible_year

from .images import PublicImageField, delete_image, generate_renditions, picture

colour_validator = RegexValidator(
    r"^#(?:[0-9a-fA-F]{3}){1,2}$", _("Indiquez une couleur au format #rgb ou #rrggbb (par exemple #1f4e79).")
)


def translated(obj, field: str) -> str:
    """The active language's value of ``field``, or the French one when it is empty."""
    lang = (get_language() or "fr")[:2]
    if lang != "fr":
        value = getattr(obj, f"{field}_{lang}", "")
        if value:
            return value
    return getattr(obj, f"{field}_fr", "")


class Translated:
    """Attribute access to the active language: ``obj.tr.title``."""

    def __init__(self, obj):
        self._obj = obj

    def __getattr__(self, name):
        return translated(self._obj, name)


class ContentBase(models.Model):
    slug = models.SlugField(_("identifiant dans l'adresse"), max_length=120, unique=True)
    image = PublicImageField(
        _("image"),
        blank=True,
        max_length=200,
        width_field="image_width",
        height_field="image_height",
        help_text=_(
            "JPEG, PNG ou WebP, 10 Mo et 40 millions de pixels au plus. L'image est réenregistrée "
            "sans ses métadonnées (lieu de prise de vue, appareil) et déclinée en plusieurs tailles."
        ),
    )
    image_width = models.PositiveIntegerField(_("largeur de l'image"), null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(_("hauteur de l'image"), null=True, blank=True, editable=False)
    image_alt_fr = models.CharField(
        _("texte alternatif de l'image (français)"),
        max_length=300,
        blank=True,
        help_text=_("Ce que montre l'image, pour les personnes qui ne la voient pas. Obligatoire avec une image."),
    )
    image_alt_en = models.CharField(_("texte alternatif de l'image (anglais)"), max_length=300, blank=True)
    image_origin = models.CharField(
        _("adresse d'origine de l'image"),
        max_length=500,
        blank=True,
        help_text=_(
            "Information pour l'équipe, relevée à l'import de l'ancien site : cette image n'est jamais "
            "affichée depuis son adresse d'origine. Téléversez-la ci-dessus pour la publier."
        ),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        """A new picture gets its renditions once, here; the replaced one is deleted after the commit."""
        uploaded = bool(self.image) and not self.image._committed
        super().save(*args, **kwargs)
        if uploaded:
            generate_renditions(self.image, self.image_width)
        previous = getattr(self, "_image_on_load", "") or ""
        current = self.image.name if self.image else ""
        if previous and previous != current:
            transaction.on_commit(lambda: delete_image(previous))
        self._image_on_load = current

    def clean(self):
        super().clean()
        if self.image and not self.image_alt_fr.strip():
            raise ValidationError(
                {
                    "image_alt_fr": _(
                        "Décrivez l'image en quelques mots (texte alternatif) : sans lui, les personnes qui "
                        "ne voient pas l'image ne savent pas ce qu'elle montre."
                    )
                }
            )

    @classmethod
    def from_db(cls, db, field_names, values):
        obj = super().from_db(db, field_names, values)
        obj._image_on_load = obj.__dict__.get("image") and obj.image.name
        return obj

    @property
    def tr(self) -> Translated:
        return Translated(self)

    @property
    def picture(self) -> dict | None:
        """The image's addresses, size and alternative text for ``events/_picture.html`` (see ``events.images``)."""
        return picture(self)


class Page(ContentBase):
    title_fr = models.CharField(_("titre (français)"), max_length=200)
    title_en = models.CharField(_("titre (anglais)"), max_length=200, blank=True)
    summary_fr = BoundedTextField(_("en bref (français)"), max_length=1_000, blank=True)
    summary_en = BoundedTextField(_("en bref (anglais)"), max_length=1_000, blank=True)
    body_fr = BoundedTextField(_("texte (français, Markdown)"), max_length=100_000, blank=True)
    body_en = BoundedTextField(_("texte (anglais, Markdown)"), max_length=100_000, blank=True)
    colour = models.CharField(_("couleur"), max_length=7, blank=True, validators=[colour_validator])
    source_url = models.URLField(_("adresse d'origine"), blank=True)
    published_on = PlausibleDateField(_("date de publication"), null=True, blank=True)
    news = models.ManyToManyField("NewsItem", blank=True, related_name="pages", verbose_name=_("actualités liées"))
    events = models.ManyToManyField("Event", blank=True, related_name="pages", verbose_name=_("événements liés"))
    people = models.ManyToManyField("Person", blank=True, related_name="pages", verbose_name=_("personnes liées"))

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["slug"]

    def __str__(self):
        return self.title_fr

    def get_absolute_url(self):
        if self.slug == "programme":
            return reverse("events:programme")
        return reverse("events:page", kwargs={"slug": self.slug})


class NewsItem(ContentBase):
    title_fr = models.CharField(_("titre (français)"), max_length=200)
    title_en = models.CharField(_("titre (anglais)"), max_length=200, blank=True)
    summary_fr = BoundedTextField(_("résumé (français)"), max_length=1_000, blank=True)
    summary_en = BoundedTextField(_("résumé (anglais)"), max_length=1_000, blank=True)
    body_fr = BoundedTextField(_("texte (français, Markdown)"), max_length=50_000, blank=True)
    body_en = BoundedTextField(_("texte (anglais, Markdown)"), max_length=50_000, blank=True)
    published_at = PlausibleDateTimeField(_("publiée le"), default=timezone.now)
    is_published = models.BooleanField(_("publiée"), default=True)

    class Meta:
        verbose_name = _("actualité")
        verbose_name_plural = _("actualités")
        ordering = ["-published_at", "-id"]

    def __str__(self):
        return self.title_fr

    def get_absolute_url(self):
        return reverse("events:news_detail", kwargs={"slug": self.slug})


class Event(ContentBase):
    class Type(models.TextChoices):
        SEMINAR = "seminar", _("Séminaire")
        TRAINING = "training", _("Formation")
        WORKSHOP = "workshop", _("Atelier")
        EXPERIENCE = "experience", _("Partage d'expérience")
        OTHER = "other", _("Autre")

    title_fr = models.CharField(_("nom (français)"), max_length=200)
    title_en = models.CharField(_("nom (anglais)"), max_length=200, blank=True)
    event_type = models.CharField(_("type"), max_length=20, choices=Type.choices, default=Type.OTHER)
    start = PlausibleDateTimeField(_("début"), null=True, blank=True, help_text=_("Vide : « date à venir »."))
    end = PlausibleDateTimeField(_("fin"), null=True, blank=True)
    place = models.CharField(_("lieu"), max_length=300, blank=True)
    outside_address = models.CharField(_("adresse extérieure"), max_length=300, blank=True)
    summary_fr = BoundedTextField(_("résumé (français)"), max_length=1_000, blank=True)
    summary_en = BoundedTextField(_("résumé (anglais)"), max_length=1_000, blank=True)
    description_fr = BoundedTextField(_("description (français, Markdown)"), max_length=20_000, blank=True)
    description_en = BoundedTextField(_("description (anglais, Markdown)"), max_length=20_000, blank=True)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True, help_text=_("Vide : sans limite."))
    registration_open = models.BooleanField(_("inscriptions ouvertes"), default=False)
    cancelled = models.BooleanField(_("annulé"), default=False)
    external_url = models.URLField(_("lien externe"), blank=True)
    booking_state = models.CharField(_("état de réservation (import)"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = [models.F("start").asc(nulls_last=True), "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(start__isnull=False, end__gte=models.F("start")),
                name="event_end_after_start",
                violation_error_message=_("La fin doit suivre le début."),
            ),
        ]

    def __str__(self):
        return self.title_fr

    def get_absolute_url(self):
        return reverse("events:event_detail", kwargs={"slug": self.slug})

    @property
    def location(self) -> str:
        return self.place or self.outside_address

    def has_started(self, now=None) -> bool:
        return self.start is not None and self.start <= (now or timezone.now())


class Person(ContentBase):
    class Role(models.TextChoices):
        DOCTORAL_STUDENT = "doctoral_student", _("Doctorant·e")
        ALUMNUS = "alumnus", _("Ancien·ne doctorant·e")
        TUTOR = "tutor", _("Tuteur·rice")
        THESIS_DIRECTOR = "thesis_director", _("Directeur·rice de thèse")
        IEA = "iea", _("IEA de Paris")
        CITY = "city", _("Ville de Paris")
        UNSPECIFIED = "", _("Non précisé")

    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100, blank=True)
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, blank=True)
    thesis_title_fr = models.CharField(_("titre de la thèse (français)"), max_length=400, blank=True)
    thesis_title_en = models.CharField(_("titre de la thèse (anglais)"), max_length=400, blank=True)
    bio_fr = BoundedTextField(_("présentation (français, Markdown)"), max_length=10_000, blank=True)
    bio_en = BoundedTextField(_("présentation (anglais, Markdown)"), max_length=10_000, blank=True)
    host_department = models.CharField(_("direction d'accueil"), max_length=200, blank=True)
    lab = models.CharField(_("laboratoire"), max_length=200, blank=True)
    year_start = models.PositiveSmallIntegerField(
        _("année de début"), null=True, blank=True, validators=[validate_plausible_year]
    )
    year_end = models.PositiveSmallIntegerField(
        _("année de fin"), null=True, blank=True, validators=[validate_plausible_year]
    )
    theses_fr_url = models.URLField(_("lien theses.fr"), blank=True)
    hal_url = models.URLField(_("lien HAL"), blank=True)
    consent = models.BooleanField(
        _("consentement à la publication"),
        default=False,
        help_text=_("Sans consentement, la personne n'est pas affichée."),
    )

    class Meta:
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year_end__isnull=True)
                | Q(year_start__isnull=True)
                | Q(year_end__gte=models.F("year_start")),
                name="person_years_in_order",
                violation_error_message=_("L'année de fin doit suivre l'année de début."),
            ),
        ]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("events:person_detail", kwargs={"slug": self.slug})

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Inscrit·e")
        WAITING = "waiting", _("Liste d'attente")
        CANCELLED = "cancelled", _("Annulée")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("événement")
    )
    name = models.CharField(_("nom"), max_length=200)
    email = models.EmailField(_("adresse e-mail"))
    language = models.CharField(_("langue"), max_length=5, default="fr")
    consent = models.BooleanField(_("consentement"), default=False)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(_("inscrit·e le"), default=timezone.now)
    promoted_at = models.DateTimeField(_("sorti·e de la liste d'attente le"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=~Q(status="cancelled"),
                name="one_active_registration_per_email",
                violation_error_message=_("Cette adresse est déjà inscrite à cet événement."),
            ),
            models.CheckConstraint(condition=Q(consent=True), name="registration_requires_consent"),
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>"
