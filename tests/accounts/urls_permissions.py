"""A test-only URLconf: one staff page per permission mechanism, plus the real site."""

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.urls import include, path
from django.views import View

from accounts.permissions import Decision, RequireMixin, deny, is_staff_member, require, role_check
from cifre.urls import urlpatterns as site_urlpatterns


@require(is_staff_member)
def staff_page(request):
    return HttpResponse("page équipe")


def own_object(request, pk: int):
    return {"owner_id": pk}


def is_owner(user, obj=None) -> Decision:
    if not user.is_authenticated:
        return deny("Vous devez vous connecter.")
    return Decision(obj["owner_id"] == user.pk, "" if obj["owner_id"] == user.pk else "Ce dossier n'est pas le vôtre.")


@require(is_owner, get_object=own_object)
def owned_page(request, pk: int):
    return HttpResponse("mon dossier")


class EvaluatorView(RequireMixin, View):
    permission_check = staticmethod(role_check("evaluator", reason="Réservé aux évaluateur·rice·s."))

    def get(self, request):
        return HttpResponse("page évaluation")


test_patterns = (
    [
        path("equipe/", staff_page, name="staff"),
        path("dossier/<int:pk>/", owned_page, name="owned"),
        path("evaluation/", EvaluatorView.as_view(), name="evaluator"),
    ],
    "permtest",
)

urlpatterns = [
    *i18n_patterns(path("permtest/", include(test_patterns)), prefix_default_language=False),
    *site_urlpatterns,
]

handler403 = "accounts.views.permission_denied"
handler404 = "accounts.views.page_not_found"
handler500 = "accounts.views.server_error"
