"""Reference data (employers, departments, labs, doctoral schools, tutors, directors) is kept by admins here;
conventions are managed on the staff screens, the admin shows them with their history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Amendment,
    Convention,
    DoctoralSchool,
    Document,
    Employer,
    HostDepartment,
    Lab,
    Obligation,
    Suspension,
    ThesisDirector,
    Tutor,
)


class HostDepartmentInline(admin.TabularInline):
    model = HostDepartment
    extra = 0


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ("name", "siret", "kind")
    search_fields = ("name", "siret")
    inlines = [HostDepartmentInline]


@admin.register(HostDepartment)
class HostDepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "acronym", "employer")
    list_select_related = ("employer",)
    search_fields = ("name", "acronym")


@admin.register(DoctoralSchool)
class DoctoralSchoolAdmin(admin.ModelAdmin):
    list_display = ("number", "name")
    search_fields = ("name",)


@admin.register(Lab)
class LabAdmin(admin.ModelAdmin):
    list_display = ("name", "unit_code", "institution", "country", "doctoral_school")
    list_select_related = ("doctoral_school",)
    search_fields = ("name", "unit_code")


@admin.register(Tutor, ThesisDirector)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name", "email")
    search_fields = ("name", "email")


class SuspensionInline(admin.TabularInline):
    model = Suspension
    extra = 0
    readonly_fields = ("start", "end", "reason")
    can_delete = False


@admin.register(Convention)
class ConventionAdmin(SimpleHistoryAdmin):
    """Read-mostly: changes go through the staff screens, which recompute obligations and instalments."""

    list_display = ("anrt_number", "doctoral_student", "host_department", "effective_date", "end_date", "status")
    list_filter = ("status",)
    search_fields = ("anrt_number", "doctoral_student__email", "doctoral_student__last_name")
    list_select_related = ("doctoral_student", "host_department")
    raw_id_fields = ("doctoral_student",)
    inlines = [SuspensionInline]
    readonly_fields = (
        "duration_months",
        "rate_year",
        "annual_subsidy",
        "minimum_salary",
        "end_date",
        "lost_on",
        "next_deadline",
        "status",
        "termination_date",
    )


@admin.register(Obligation)
class ObligationAdmin(SimpleHistoryAdmin):
    list_display = ("convention", "key", "due_date", "forfeits_on", "received_on", "status")
    list_filter = ("status", "kind")
    list_select_related = ("convention",)
    search_fields = ("convention__anrt_number", "key")
    readonly_fields = ("convention", "key", "kind", "due_date", "forfeits_on", "status", "gates", "is_current")


@admin.register(Document)
class DocumentAdmin(SimpleHistoryAdmin):
    list_display = ("original_name", "obligation", "uploaded_at", "received_on", "confirmed_at")
    list_select_related = ("obligation__convention",)
    raw_id_fields = ("obligation",)


@admin.register(Amendment)
class AmendmentAdmin(SimpleHistoryAdmin):
    list_display = ("convention", "kind", "date")
    list_select_related = ("convention",)
    raw_id_fields = ("convention",)
