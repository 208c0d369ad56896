from django import forms
from django.utils.translation import gettext_lazy as _

from .catalogue import SAMPLE_CONTEXT
from .models import EmailLog, EmailTemplate
from .services import check_template


class EmailTemplateForm(forms.ModelForm):
    class Meta:
        model = EmailTemplate
        fields = ["subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"

    def _check(self, name: str, subject: str, body: str):
        """Compiled and rendered by the messenger's restricted engine: what it cannot send is refused here."""
        error = check_template(subject, body, SAMPLE_CONTEXT.get(self.instance.key, {}))
        if error:
            raise forms.ValidationError(error, code="template")
        return subject if name == "subject" else body

    def clean_subject(self):
        return self._check("subject", self.cleaned_data["subject"], "")

    def clean_body(self):
        return self._check("body", "", self.cleaned_data["body"])

    def add_error(self, field, error):
        super().add_error(field, error)
        if field in self.fields:
            self.fields[field].widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": f"id_{field}-error", "class": "form-control is-invalid"}
            )


class EmailLogFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("État"), required=False, choices=[("", _("Tous"))] + EmailLog.Status.choices)
    template_key = forms.ChoiceField(label=_("Message"), required=False)
    to = forms.CharField(label=_("Destinataire contient"), required=False, max_length=254)

    def __init__(self, *args, **kwargs):
        from .catalogue import LABELS

        super().__init__(*args, **kwargs)
        self.fields["template_key"].choices = [("", _("Tous"))] + [(k, v) for k, v in LABELS.items()]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) else "form-control"

    def filter(self, qs):
        if not self.is_valid():
            return qs.none()
        data = self.cleaned_data
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["template_key"]:
            qs = qs.filter(template_key=data["template_key"])
        if data["to"]:
            qs = qs.filter(to__icontains=data["to"].strip())
        return qs
