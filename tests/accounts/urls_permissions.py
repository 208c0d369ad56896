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


def account_or_404(request, pk: int):
    from django.shortcuts import get_object_or_404

    from accounts.models import User

    return get_object_or_404(User, pk=pk)


def is_staff_or_self(user, obj=None) -> Decision:
    """Staff see every account (with or without object); others only their own."""
    if not user.is_authenticated:
        return deny("Vous devez vous connecter.")
    if is_staff_member(user) or (obj is not None and obj.pk == user.pk):
        return Decision(True, "")
    return deny("Ce compte n'est pas le vôtre.")


@require(is_staff_or_self, get_object=account_or_404)
def account_page(request, pk: int):
    return HttpResponse("compte")


class AccountView(RequireMixin, View):
    permission_check = staticmethod(is_staff_or_self)

    def get_permission_object(self):
        return account_or_404(self.request, self.kwargs["pk"])

    def get(self, request, pk):
        return HttpResponse("compte (vue classe)")


class EvaluatorView(RequireMixin, View):
    permission_check = staticmethod(role_check("evaluator", reason="Réservé aux évaluateur·rice·s."))

    def get(self, request):
        return HttpResponse("page évaluation")


test_patterns = (
    [
        path("equipe/", staff_page, name="staff"),
        path("dossier/<int:pk>/", owned_page, name="owned"),
        path("evaluation/", EvaluatorView.as_view(), name="evaluator"),
        path("compte/<int:pk>/", account_page, name="account"),
        path("compte-classe/<int:pk>/", AccountView.as_view(), name="account_class"),
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
