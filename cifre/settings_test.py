"""Test settings: the real settings, with fast hashing, captured e-mail and inline tasks.

``DATABASE_URL`` and ``REDIS_URL`` still come from the environment, so `.ci/run` points the
same suite at PostgreSQL and Redis.
"""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789-abcdefghij")

from .settings import *  # noqa: E402,F403
from .settings import STORAGES  # noqa: E402

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
ALLOWED_HOSTS = ["*"]
# Test databases are rolled back without signals: no process-local copy of cached pages.
EVENTS_PAGE_CACHE_LOCAL_SECONDS = 0
# Static files are served from the finders (no collectstatic in tests).
WHITENOISE_AUTOREFRESH = True
# Public pictures written by tests and demo runs go to a folder of this process, removed at exit.
PUBLIC_MEDIA_ROOT = tempfile.mkdtemp(prefix="cifre-test-public-media-")
atexit.register(shutil.rmtree, PUBLIC_MEDIA_ROOT, ignore_errors=True)
