from django.contrib import admin

from .forms import EmailTemplateForm
from .models import EmailLog, EmailTemplate


@admin.register(EmailTemplate)
class EmailTemplateAdmin(admin.ModelAdmin):
    form = EmailTemplateForm  # the same check as the staff screen: only what the messenger can render
    list_display = ("key", "language", "subject", "updated_at", "updated_by")
    list_filter = ("key", "language")
    readonly_fields = ("key", "language", "help_text", "updated_at", "updated_by")
    fields = ("key", "language", "subject", "body", "help_text", "updated_at", "updated_by")

    def has_add_permission(self, request):  # the messages are the application's: seeded, never invented here
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(EmailLog)
class EmailLogAdmin(admin.ModelAdmin):
    list_display = ("created_at", "template_key", "to", "status", "attempts", "sent_at")
    list_filter = ("status", "template_key")
    search_fields = ("to", "subject", "dedupe_key")
    readonly_fields = [f.name for f in EmailLog._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
