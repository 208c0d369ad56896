"""Root URLs. Public and private pages are translated: French at /, English under /en/."""

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog

from accounts import views as account_views
from events import images

admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "CIFRE Ville de Paris"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", account_views.healthz, name="healthz"),
    # Public pictures of the site only (PUBLIC_MEDIA_ROOT); private documents have no URL.
    re_path(rf"^{settings.PUBLIC_MEDIA_URL.strip('/')}/(?P<path>.+)$", images.serve, name="public_media"),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("compte/", include("allauth.urls")),
    path("espace/", include("accounts.urls")),
    path("conventions/", include("conventions.urls")),
    path("subventions/", include("subsidies.urls")),
    path("courriels/", include("notifications.urls")),
    path("candidatures/", include("applications.urls")),
    path("gestion/site/", include("events.staff_urls")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("", include("events.urls")),
    prefix_default_language=False,
)

handler400 = "accounts.views.bad_request"
handler403 = "accounts.views.permission_denied"
handler404 = "accounts.views.page_not_found"
handler500 = "accounts.views.server_error"
