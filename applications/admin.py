"""Django admin for calls and dossiers: read-mostly, for the technical administrator; staff use their own screens."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from .evaluation.models import (
    Assignment,
    Committee,
    ConflictDeclaration,
    Decision,
    Evaluation,
    EvaluatorProfile,
    Letter,
    Score,
)
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


# --- The evaluation (issue 11) -------------------------------------------------------------------------
# Read-mostly, like the dossiers: staff work on their own screens, whose services check the rules and keep
# the record for ANRT. What that record holds is never edited by hand here: declarations, submitted
# evaluations (and their scores), applied decisions and sent letters are shown read-only; nothing of the
# evaluation is added or deleted here (assignments, declarations, scores and letters are made by the services).


class NoAddNoDelete:
    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _all_fields(model) -> tuple[str, ...]:
    return tuple(f.name for f in model._meta.get_fields() if f.concrete and not f.auto_created)


@admin.register(EvaluatorProfile)
class EvaluatorProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "affiliation", "lab_unit_code", "capacity", "invited_at")
    list_select_related = ("user",)
    search_fields = ("user__email", "user__last_name", "affiliation", "keywords")
    raw_id_fields = ("user",)
    readonly_fields = ("invited_by", "invited_at", "created_at", "updated_at")


@admin.register(Assignment)
class AssignmentAdmin(NoAddNoDelete, admin.ModelAdmin):
    """Only the deadline can be moved here; the rest is the services' (conflicts, capacity, history)."""

    list_display = ("dossier", "evaluator", "status", "deadline", "automatic", "created_at")
    list_filter = ("status", "dossier__call", "automatic")
    list_select_related = ("dossier", "evaluator")
    search_fields = ("dossier__number", "evaluator__email", "evaluator__last_name")
    readonly_fields = ("dossier", "evaluator", "status", "automatic", "declined_reason", "created_by", "created_at")


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(NoAddNoDelete, admin.ModelAdmin):
    """The signed declarations: read-only (the record for ANRT)."""

    list_display = ("dossier", "evaluator", "has_conflict", "declared_at")
    list_filter = ("has_conflict", "dossier__call")
    list_select_related = ("dossier", "evaluator")
    search_fields = ("dossier__number", "evaluator__email", "evaluator__last_name")

    def has_change_permission(self, request, obj=None):
        return False


def _submitted(obj) -> bool:
    return obj is not None and obj.status == Evaluation.Status.SUBMITTED


class ScoreForm(forms.ModelForm):
    class Meta:
        model = Score
        fields = ("value", "comment")

    def clean_value(self):
        value = self.cleaned_data.get("value")
        criterion = self.instance.criterion
        if value is not None and not criterion.scale_min <= value <= criterion.scale_max:
            raise ValidationError(
                _("La note doit être comprise entre %(min)s et %(max)s.")
                % {"min": criterion.scale_min, "max": criterion.scale_max}
            )
        return value


class ScoreInline(admin.TabularInline):
    model = Score
    form = ScoreForm
    extra = 0
    fields = ("criterion", "value", "comment")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return self.fields if _submitted(obj) else ("criterion",)


@admin.register(Evaluation)
class EvaluationAdmin(NoAddNoDelete, SimpleHistoryAdmin):
    """A draft can be corrected (the history keeps who changed what); a submitted evaluation is read-only:
    staff reopen it on their screens, with a reason that is recorded."""

    list_display = ("assignment", "status", "total", "recommendation", "submitted_at", "version")
    list_filter = ("status", "assignment__dossier__call", "recommendation")
    list_select_related = ("assignment__dossier", "assignment__evaluator")
    search_fields = ("assignment__dossier__number", "assignment__evaluator__email")
    inlines = [ScoreInline]

    def get_readonly_fields(self, request, obj=None):
        if _submitted(obj):
            return _all_fields(Evaluation)
        return ("assignment", "status", "version", "total", "submitted_at", "created_at", "updated_at")

    def save_related(self, request, form, formsets, change):
        """A corrected draft gets a new version: a tab of the evaluator's still open is told to reload."""
        super().save_related(request, form, formsets, change)
        if form.has_changed() or any(inline.has_changed() for inline in formsets):
            Evaluation.objects.filter(pk=form.instance.pk).update(version=F("version") + 1)


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    """The date and the members present can be corrected until a decision of the committee is applied."""

    list_display = ("call", "date", "created_by")
    list_filter = ("call",)
    list_select_related = ("call", "created_by")
    readonly_fields = ("created_by", "created_at")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.decisions.filter(status=Decision.Status.APPLIED).exists():
            return _all_fields(Committee)
        return ("call", *self.readonly_fields)


class LetterInline(admin.TabularInline):
    model = Letter
    extra = 0
    fields = ("kind", "language", "subject", "status", "sent_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(NoAddNoDelete, admin.ModelAdmin):
    """Read-only: decisions are set, applied and promoted on the committee's screens (letters, statuses)."""

    list_display = ("dossier", "outcome", "waiting_rank", "status", "committee", "applied_at")
    list_filter = ("status", "outcome", "committee__call")
    list_select_related = ("dossier", "committee__call")
    search_fields = ("dossier__number",)
    inlines = [LetterInline]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Letter)
class LetterAdmin(NoAddNoDelete, admin.ModelAdmin):
    """A letter not sent yet can be corrected (as in the outbox, the change is signed); a sent one is read-only."""

    list_display = ("subject", "decision", "kind", "language", "status", "sent_at")
    list_filter = ("status", "kind", "language", "decision__committee__call")
    list_select_related = ("decision__dossier",)
    search_fields = ("decision__dossier__number", "subject")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status == Letter.Status.SENT:
            return _all_fields(Letter)
        return tuple(name for name in _all_fields(Letter) if name not in ("subject", "body"))

    def save_model(self, request, obj, form, change):
        if {"subject", "body"} & set(form.changed_data):
            obj.edited_by, obj.edited_at = request.user, timezone.now()
        super().save_model(request, obj, form, change)
