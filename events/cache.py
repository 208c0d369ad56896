"""Whole-page cache of the public site, invalidated whenever its content changes.

Anonymous GET requests (no session cookie) are answered from the cache. The page is rendered
once with a placeholder where the CSRF token goes (the language switch and the registration
form are POST forms) and each visitor gets their own token substituted, so cached pages stay
working forms.

Invalidation: every save or delete of site content replaces a version key in the shared cache
(Redis in production); entries built under an older version are ignored.

Two levels: the shared cache, and a small copy in each process's memory. A process re-reads
the version from the shared cache at most every ``EVENTS_PAGE_CACHE_LOCAL_SECONDS`` (1 s by
default), so a warm page costs no network round trip; the process that saved the content sees
the change at once, the other processes within that delay. The test settings turn the local
level off (test databases are rolled back without any signal, so a process-local copy
would outlive them); tests of the local level turn it on.

Pages that change by themselves at a known moment (the call page and the home page change when
a call opens or closes) set ``response.public_cache_until`` to that aware datetime: their entry
is not served from that moment on, at either level, whatever its timeout.
"""

from __future__ import annotations

import math
import secrets
import time
import uuid
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.utils.translation import get_language

VERSION_KEY = "events:site-version"
PAGE_TIMEOUT = 300  # seconds: upcoming events become past ones within five minutes at most
LOCAL_MAX_PAGES = 500
CSRF_PLACEHOLDER = "__events_csrf_placeholder__"
_PLACEHOLDER = CSRF_PLACEHOLDER.encode()
_CHARS = CSRF_ALLOWED_CHARS
_INDEX = {c: i for i, c in enumerate(_CHARS)}
_CHARSET = frozenset(_CHARS)
_LIMIT = 256 - 256 % len(_CHARS)  # rejection sampling: every character equally likely
_TABLE = bytes(ord(_CHARS[b % len(_CHARS)]) for b in range(256))
_REJECTED = bytes(range(_LIMIT, 256))


class _ProcessCache:
    """The process-local level: the version seen last, when, and the pages built under it."""

    def __init__(self):
        self.reset()

    def reset(self) -> None:
        self.version: str | None = None
        self.checked_at = float("-inf")
        self.pages: dict[str, tuple[float, str, bytes, bool]] = {}


local = _ProcessCache()


_local_seconds: float | None = None


def local_seconds() -> float:
    """``EVENTS_PAGE_CACHE_LOCAL_SECONDS``: 1 s by default; cifre/settings_test.py sets 0 (off)."""
    global _local_seconds
    if _local_seconds is None:
        _local_seconds = float(getattr(settings, "EVENTS_PAGE_CACHE_LOCAL_SECONDS", 1))
    return _local_seconds


@receiver(setting_changed)
def _setting_changed(setting, **kwargs):
    global _local_seconds
    if setting == "EVENTS_PAGE_CACHE_LOCAL_SECONDS":
        _local_seconds = None


def bump_version() -> None:
    version = uuid.uuid4().hex
    cache.set(VERSION_KEY, version, None)
    local.reset()
    local.version, local.checked_at = version, time.monotonic()


def _shared_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    return version


def _lookup(page_key: str) -> tuple[str, tuple | None]:
    """The current version and the entry for ``page_key`` built under it, if any."""
    seconds = local_seconds()
    now = time.monotonic()
    if seconds > 0:
        if local.version is None or now - local.checked_at >= seconds:
            version = _shared_version()
            if version != local.version:
                local.reset()
            local.version, local.checked_at = version, now
        entry = local.pages.get(page_key)
        if entry is not None and entry[0] > now and not _expired(entry):
            return local.version, entry
        found = cache.get(page_key)
        if found is not None and found[0] == local.version and not _expired(found):
            entry = (now + PAGE_TIMEOUT, *found[1:])
            _remember(page_key, entry)
            return local.version, entry
        return local.version, None
    found = cache.get_many([VERSION_KEY, page_key])
    version = found.get(VERSION_KEY) or _shared_version()
    entry = found.get(page_key)
    return version, entry if entry is not None and entry[0] == version and not _expired(entry) else None


def _expired(entry: tuple) -> bool:
    """An entry's fifth item, when set, is the wall-clock time (epoch seconds) it stops being valid."""
    return len(entry) > 4 and entry[4] is not None and time.time() >= entry[4]


def _remember(page_key: str, entry: tuple) -> None:
    if len(local.pages) >= LOCAL_MAX_PAGES:
        local.pages.clear()
    local.pages[page_key] = entry


def _cacheable(request) -> bool:
    """Anonymous GET without a session: no session cookie means no user and no stored messages."""
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    return not cookies or ("messages" not in cookies and settings.SESSION_COOKIE_NAME not in cookies)


def _random_string(length: int) -> str:
    out = b""
    while len(out) < length:
        out += secrets.token_bytes(length + 8).translate(_TABLE, _REJECTED)
    return out[:length].decode("ascii")


def fast_csrf_token(request) -> str:
    """``django.middleware.csrf.get_token`` with a faster source of the same randomness.

    Django draws each of the 64 random characters with ``secrets.choice``, which costs more
    than serving a cached page; this draws them from one ``secrets.token_bytes`` call and
    otherwise follows Django's format exactly (secret in ``CSRF_COOKIE``, masked token). The
    tests check that CsrfViewMiddleware accepts these tokens.
    """
    secret = request.META.get("CSRF_COOKIE")
    if not secret or len(secret) != CSRF_SECRET_LENGTH or not _CHARSET.issuperset(secret):
        secret = _random_string(CSRF_SECRET_LENGTH)
        request.META["CSRF_COOKIE"] = secret
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = _random_string(CSRF_SECRET_LENGTH)
    cipher = "".join(_CHARS[(_INDEX[x] + _INDEX[y]) % len(_CHARS)] for x, y in zip(secret, mask, strict=True))
    return mask + cipher


def _respond(request, content_type: str, body: bytes, uses_csrf: bool) -> HttpResponse:
    if uses_csrf:
        body = body.replace(_PLACEHOLDER, fast_csrf_token(request).encode())
    return HttpResponse(body, content_type=content_type)


def public_cache(view):
    """Cache the view's successful answers for anonymous visitors, per language and full path."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        page_key = f"events:page:{get_language()}:{request.get_full_path()}"
        version, entry = _lookup(page_key)
        if entry is not None:
            return _respond(request, *entry[1:4])
        request.events_csrf_placeholder = True
        response = view(request, *args, **kwargs)
        if response.status_code != 200 or response.streaming or response.cookies:
            return response
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        body = response.content
        content_type = response["Content-Type"]
        uses_csrf = _PLACEHOLDER in body
        timeout, deadline = PAGE_TIMEOUT, None
        if (until := getattr(response, "public_cache_until", None)) is not None:
            deadline = until.timestamp()
            timeout = min(PAGE_TIMEOUT, math.ceil(deadline - time.time()))
        if timeout > 0:
            cache.set(page_key, (version, content_type, body, uses_csrf, deadline), timeout)
            if local_seconds() > 0 and version == local.version:
                _remember(page_key, (time.monotonic() + timeout, content_type, body, uses_csrf, deadline))
        return _respond(request, content_type, body, uses_csrf) if uses_csrf else response

    return wrapped


def csrf_context(request) -> dict:
    """Context that renders ``{% csrf_token %}`` as the placeholder on a page about to be cached."""
    return {"csrf_token": CSRF_PLACEHOLDER} if getattr(request, "events_csrf_placeholder", False) else {}
