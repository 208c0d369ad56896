"""Settings for the Paris CIFRE programme application.

Everything that differs between a newcomer's machine, CI and production is read from the
environment (see ``.env.example``). Unset variables give the development shape: SQLite,
local-memory cache, Celery tasks run inline, e-mails printed on the console.
"""

from pathlib import Path

import bootstrap_wrapper
import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production-0123456789")
else:
    SECRET_KEY = env("SECRET_KEY", default="")
    if not SECRET_KEY and not env("DATABASE_URL", default=""):
        # A bare checkout without configuration (e.g. `manage.py cifre plan`, a pure computation):
        # an ephemeral key, and the web and worker entry points refuse to start with it
        # (cifre/wsgi.py, and the deploy check cifre.E001).
        from django.core.management.utils import get_random_secret_key

        SECRET_KEY = get_random_secret_key() + get_random_secret_key()
        SECRET_KEY_IS_EPHEMERAL = True
    elif len(SECRET_KEY) < 50:  # an empty ${SECRET_KEY} from docker compose must not start production
        raise ImproperlyConfigured("SECRET_KEY must be set to at least 50 random characters when DEBUG is off.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "cifre.apps.CifreConfig",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "csp",
    "imagekit",
    "accounts",
    "events",
    "applications",
    "conventions",
    "subsidies",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "accounts.middleware.PrivateCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.SecondFactorRequiredMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "cifre.urls"
WSGI_APPLICATION = "cifre.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "accounts.context_processors.roles",
            ],
        },
    },
]

# --- Database: SQLite file unless DATABASE_URL is set (PostgreSQL in CI and production).
if not env("DATABASE_URL", default=""):
    (BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, locks and Celery broker: Redis when REDIS_URL is set, otherwise local memory.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = "Europe/Paris"
CELERY_ENABLE_UTC = True
# Filled by the apps: the daily jobs run at a local hour outside 02:00-03:00 (DST changes).
CELERY_BEAT_SCHEDULE: dict = {
    # Statuses, then reminders, then (first day of a quarter) the summary to invoice: 06:30 Paris time.
    "subsidies-daily": {"task": "subsidies.daily", "schedule": crontab(hour=6, minute=30)},
    "notifications-retry": {"task": "notifications.retry_failed_emails", "schedule": crontab(minute="*/15")},
    # Data retention: event registrations three months after the event.
    "events-purge-registrations": {"task": "events.purge_registrations", "schedule": crontab(hour=4, minute=15)},
    # Dossiers: requests for missing items past their deadline flagged to staff, then data retention
    # (unselected dossiers anonymised, old drafts deleted: applications/retention.py). 05:45 Paris time.
    "applications-daily": {"task": "applications.daily", "schedule": crontab(hour=5, minute=45)},
}

# --- E-mail: console unless EMAIL_URL is set (smtp://user:password@host:587/?tls=True).
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Programme CIFRE Ville de Paris <cifre@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
STAFF_EMAIL = env("STAFF_EMAIL", default="cifre-staff@example.org")

# --- Invoices to ANRT: who is paid and where, printed on every invoice PDF (subsidies/domain/payee.py).
# Unset name, address or SIRET: the employer's frozen on the invoice; unset IBAN or BIC: the PDF says
# they are missing and `check --deploy` warns. INVOICE_PAYEE_ADDRESS takes "\n" between lines.
INVOICE_PAYEE_NAME = env("INVOICE_PAYEE_NAME", default="")
INVOICE_PAYEE_ADDRESS = env("INVOICE_PAYEE_ADDRESS", default="")
INVOICE_PAYEE_SIRET = env("INVOICE_PAYEE_SIRET", default="")
INVOICE_PAYEE_IBAN = env("INVOICE_PAYEE_IBAN", default="")
INVOICE_PAYEE_BIC = env("INVOICE_PAYEE_BIC", default="")
INVOICE_PAYEE_BANK = env("INVOICE_PAYEE_BANK", default="")

# --- Accounts: the e-mail address is the login.
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:home"
SITE_ID = 1
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
# The sign-up form must say when an address is already used (the issue asks for a clear message).
ACCOUNT_PREVENT_ENUMERATION = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[CIFRE Ville de Paris] "
# Failed logins: at most 5 per account in 5 minutes and 20 per address in 5 minutes.
# The address counted is the client's, not the proxy's: behind N proxies of ours (gunicorn behind
# the TLS proxy: 1), the N-th address from the right of X-Forwarded-For; with 0, REMOTE_ADDR, and
# the header is ignored (a client can write anything in it). allauth's get_client_ip reads it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
ACCOUNT_RATE_LIMITS = {
    "login_failed": "20/5m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "CIFRE Ville de Paris"
# Roles that must hold a second factor before any non-public page.
SECOND_FACTOR_ROLES = ("staff", "evaluator", "admin", "department")

# --- Internationalisation: French first, English second, Europe/Paris.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
# English dates day first (01/12/2026, 1 December 2026) and on a 24-hour clock: cifre/formats/en/formats.py.
FORMAT_MODULE_PATH = ["cifre.formats"]
USE_I18N = True
USE_TZ = True
# URLs typed without a scheme (theses.fr, HAL links) are read as https, as Django 6 will.
FORMS_URLFIELD_ASSUME_HTTPS = True

# --- Static files (Bootstrap from the bootstrap-wrapper package) and private files.
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "staticfiles")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", str(bootstrap_wrapper.get_bootstrap_dir())),
]
# Private uploads: outside the web root, never served by a URL, only by permission-checked views.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "private")
# No URL serves this folder (runserver and WhiteNoise ignore it); the prefix only exists
# because Django's test live server expects a string.
MEDIA_URL = "/fichiers-prives-non-servis/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 10
MAX_UPLOAD_SIZE = env.int("MAX_UPLOAD_SIZE", default=10 * 1024 * 1024)
# Public pictures of the site (news, events, people, pages): re-encoded uploads and their sizes
# (events/images.py). Another folder than MEDIA_ROOT, served at PUBLIC_MEDIA_URL (cifre/urls.py;
# in production the TLS proxy may serve the folder itself, see README). A check refuses overlap.
PUBLIC_MEDIA_ROOT = env.path("PUBLIC_MEDIA_ROOT", default=BASE_DIR / "var" / "public-media")
PUBLIC_MEDIA_URL = env("PUBLIC_MEDIA_URL", default="/media/")
# Renditions are made once, when the picture is saved: pages never check or create files.
IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY = "imagekit.cachefiles.strategies.Optimistic"
IMAGEKIT_CACHEFILE_DIR = "CACHE/images"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security. Production values by default when DEBUG is off; `check --deploy` is clean.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# --- Programme settings.
# Unsuccessful dossiers are anonymised after this many months.
RETENTION_MONTHS = env.int("RETENTION_MONTHS", default=24)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
