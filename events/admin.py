"""The staff's editing screens: both languages side by side, a live Markdown preview, a link to the page."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Event, NewsItem, Page, Person, Registration
from .rendering import render_markdown

IMAGE_FIELDS = ("image", ("image_alt_fr", "image_alt_en"), "image_origin")
IMAGE_FIELDSET = (
    _("Image"),
    {
        "fields": IMAGE_FIELDS,
        "description": _(
            "L'adresse d'origine, relevée à l'import de l'ancien site, n'est qu'une information : "
            "pour publier l'image, enregistrez-la puis téléversez-la."
        ),
    },
)
PHOTO_FIELDSET = (
    _("Photo"),
    {
        "fields": IMAGE_FIELDS,
        "description": _("La photo n'est publiée qu'avec le consentement de la personne (case ci-dessus)."),
    },
)


class PreviewMixin:
    """Adds the rendered French and English texts as read-only fields, and the live preview script."""

    preview_fields: tuple[str, ...] = ()

    class Media:
        js = ("events/admin_preview.js",)
        css = {"all": ("events/admin_preview.css",)}

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "preview")

    @admin.display(description=_("Aperçu enregistré"))
    def preview(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        parts = []
        for name in self.preview_fields:
            parts.append(
                format_html(
                    '<div class="events-preview"><p><strong>{}</strong></p>{}</div>',
                    obj._meta.get_field(name).verbose_name,
                    render_markdown(getattr(obj, name)),
                )
            )
        return format_html("{}" * len(parts), *parts)


@admin.register(Page)
class PageAdmin(PreviewMixin, admin.ModelAdmin):
    list_display = ("title_fr", "slug", "updated_at")
    search_fields = ("title_fr", "title_en", "slug")
    prepopulated_fields = {"slug": ("title_fr",)}
    filter_horizontal = ("news", "events", "people")
    preview_fields = ("body_fr", "body_en")
    fieldsets = (
        (None, {"fields": ("slug", ("title_fr", "title_en"), ("summary_fr", "summary_en"), "colour")}),
        IMAGE_FIELDSET,
        (_("Texte"), {"fields": ("body_fr", "body_en", "preview")}),
        (_("Contenus liés"), {"fields": ("news", "events", "people"), "classes": ("collapse",)}),
        (_("Origine"), {"fields": ("source_url", "published_on"), "classes": ("collapse",)}),
    )


@admin.register(NewsItem)
class NewsItemAdmin(PreviewMixin, admin.ModelAdmin):
    list_display = ("title_fr", "published_at", "is_published")
    list_filter = ("is_published",)
    search_fields = ("title_fr", "title_en")
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ("title_fr",)}
    preview_fields = ("body_fr", "body_en")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "slug",
                    ("title_fr", "title_en"),
                    ("summary_fr", "summary_en"),
                    "body_fr",
                    "body_en",
                    "preview",
                    ("published_at", "is_published"),
                )
            },
        ),
        IMAGE_FIELDSET,
    )


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    fields = ("name", "email", "status", "language", "created_at", "promoted_at", "cancelled_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # registrations go through the service (capacity, waiting list, e-mails)


@admin.register(Event)
class EventAdmin(PreviewMixin, admin.ModelAdmin):
    list_display = ("title_fr", "event_type", "start", "capacity", "registration_open", "cancelled", "registrations")
    list_filter = ("event_type", "registration_open", "cancelled")
    search_fields = ("title_fr", "title_en", "place")
    prepopulated_fields = {"slug": ("title_fr",)}
    preview_fields = ("description_fr", "description_en")
    inlines = [RegistrationInline]
    fieldsets = (
        (None, {"fields": ("slug", ("title_fr", "title_en"), "event_type", ("start", "end"))}),
        (_("Lieu"), {"fields": ("place", "outside_address", "external_url")}),
        (_("Textes"), {"fields": (("summary_fr", "summary_en"), "description_fr", "description_en", "preview")}),
        (_("Inscriptions"), {"fields": ("capacity", "registration_open", "cancelled", "booking_state")}),
        IMAGE_FIELDSET,
    )

    @admin.display(description=_("Inscriptions"))
    def registrations(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("events_staff:registration_list", args=[obj.pk]), _("Voir la liste")
        )


@admin.register(Person)
class PersonAdmin(PreviewMixin, admin.ModelAdmin):
    list_display = ("last_name", "first_name", "role", "year_start", "year_end", "consent")
    list_filter = ("role", "consent")
    search_fields = ("first_name", "last_name", "thesis_title_fr", "lab")
    prepopulated_fields = {"slug": ("first_name", "last_name")}
    preview_fields = ("bio_fr", "bio_en")
    fieldsets = (
        (None, {"fields": ("slug", ("first_name", "last_name"), "role", "consent")}),
        PHOTO_FIELDSET,
        (_("Thèse"), {"fields": (("thesis_title_fr", "thesis_title_en"), "host_department", "lab")}),
        (_("Années et liens"), {"fields": (("year_start", "year_end"), "theses_fr_url", "hal_url")}),
        (_("Présentation"), {"fields": ("bio_fr", "bio_en", "preview")}),
    )
