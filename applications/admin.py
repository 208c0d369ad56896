"""Django admin for calls and dossiers: read-mostly, for the technical administrator; staff use their own screens."""

from django.contrib import admin

from .models import Call, Criterion, Dossier, DossierEvent, DossierFile, MissingItemsRequest, Theme


class ThemeInline(admin.StackedInline):
    model = Theme
    extra = 0
    filter_horizontal = ("readers",)


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ("year", "title_fr", "opens_at", "closes_at", "is_published")
    inlines = [ThemeInline, CriterionInline]


class DossierFileInline(admin.TabularInline):
    model = DossierFile
    extra = 0
    fields = ("kind", "original_name", "size", "sha256", "uploaded_at", "is_current")
    readonly_fields = fields
    can_delete = False


class DossierEventInline(admin.TabularInline):
    model = DossierEvent
    extra = 0
    fields = ("at", "kind", "actor", "public", "message")
    readonly_fields = fields
    can_delete = False


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = ("number", "call", "status", "submitted_at")
    list_filter = ("call", "status")
    search_fields = ("number",)
    readonly_fields = ("uuid", "number", "status", "version", "step_versions", "eligibility", "submitted_at")
    inlines = [DossierFileInline, DossierEventInline]


@admin.register(MissingItemsRequest)
class MissingItemsRequestAdmin(admin.ModelAdmin):
    list_display = ("dossier", "deadline", "answered_at")
    readonly_fields = ("dossier", "items", "created_by", "created_at", "answered_at", "lapsed_notified_at")
