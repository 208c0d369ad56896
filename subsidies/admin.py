from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Instalment, RateYear


@admin.register(RateYear)
class RateYearAdmin(SimpleHistoryAdmin):
    list_display = ("year", "annual_subsidy", "minimum_salary")
    ordering = ("-year",)


@admin.register(Instalment)
class InstalmentAdmin(SimpleHistoryAdmin):
    list_display = ("convention", "number", "period_start", "period_end", "due_date", "amount", "status", "invoiced_on")
    list_filter = ("status",)
    search_fields = ("convention__anrt_number",)
    list_select_related = ("convention",)
    raw_id_fields = ("convention",)
    # Computed by the rules engine: edited through the convention, never by hand here.
    readonly_fields = ("number", "period_start", "period_end", "due_date", "amount", "status", "payable_on", "gated_by")


# --- Invoices, payments and the sweep's record (issue 6): read-only here, changed through the staff screens
# (numbering, credit notes and payment checks live in subsidies.domain.invoicing).
from .models import Invoice, Payment, StatusChange  # noqa: E402


class ReadOnlyMixin:
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ("number", "kind", "issued_on", "convention_number", "instalment_number", "amount", "status")
    list_filter = ("kind", "status", "year")
    search_fields = ("number", "convention_number", "student_name")


@admin.register(Payment)
class PaymentAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ("invoice", "received_on", "amount", "recorded_by")
    list_select_related = ("invoice", "recorded_by")


@admin.register(StatusChange)
class StatusChangeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("as_of", "target", "object_id", "field", "old_value", "new_value", "convention")
    list_filter = ("target", "field", "as_of")
    list_select_related = ("convention",)
