"""The messenger: render a stored template, record the message, send it once, retry failures.

Every message the application sends goes through here, so the e-mail log holds them all:
``send`` for the texts staff edit (reminders, summaries), ``send_text`` for a text already
written (event registrations from their file templates, a staff message to registrants, the
account e-mails of allauth via ``accounts.adapters``).

Both write the log row under its unique ``dedupe_key`` first (committed on its own when called
outside a transaction, as the scheduler does), then deliver it. A second call with the same key,
a rerun of a daily job or a concurrent worker finds the row and sends nothing; a call without a
key gets a fresh one, so a message meant to go twice goes twice. A delivery that raises is kept
as "failed" and retried later by ``retry_failed`` with an exponential backoff; a delivery is
attempted under a row lock, so two retry runs never both send.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template import Context, Engine, Node, TemplateSyntaxError
from django.template.base import TokenType
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import EmailLog, EmailTemplate

MAX_ATTEMPTS = 6
FIRST_RETRY_DELAY = timedelta(minutes=5)
BACKOFF_FACTOR = 3
# A message logged but not yet tried is normally sent within seconds; after this it was abandoned.
PENDING_GRACE = timedelta(minutes=10)

# Staff-edited text is plain text: no autoescaping, no loaders, unknown variables render empty. The one
# library is ``money`` (``{{ amount|money }}``: 3 500,00 € / €3,500.00, in the message's language).
_ENGINE = Engine(
    autoescape=False, string_if_invalid="", libraries={}, loaders=[], builtins=["cifre.templatetags.money"]
)


class TemplateMissing(LookupError):
    pass


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


@dataclass(frozen=True)
class Attachment:
    """A stored private file sent with a message: its storage name, the name the recipient sees, its type.

    The log keeps this reference, not the bytes: every delivery, a retry included, reads the file again.
    """

    name: str
    filename: str
    mimetype: str = "application/octet-stream"

    def as_dict(self) -> dict:
        return {"name": self.name, "filename": self.filename, "mimetype": self.mimetype}


def compile_text(source: str):
    """Compile staff-written template text; raises ``TemplateSyntaxError`` with a readable message."""
    return _ENGINE.from_string(source)


def render(key: str, language: str, context: dict) -> Rendered:
    """Render the template ``key`` in ``language`` (French when that language has none)."""
    templates = {t.language: t for t in EmailTemplate.objects.filter(key=key)}
    template = templates.get(language) or templates.get(settings.LANGUAGE_CODE)
    if template is None:
        raise TemplateMissing(f"no e-mail template {key!r}")
    return render_template(template.subject, template.body, template.language, context)


def render_template(subject: str, body: str, language: str, context: dict) -> Rendered:
    with translation.override(language):
        ctx = Context(context, autoescape=False)
        rendered_subject = " ".join(compile_text(subject).render(ctx).split())
        rendered_body = compile_text(body).render(ctx).strip() + "\n"
    return Rendered(rendered_subject[:255], rendered_body)


def recipient(to) -> tuple[str, object | None, str]:
    """(address, user or None, language) for a user or a bare address."""
    if isinstance(to, str):
        return to.strip().lower(), None, settings.LANGUAGE_CODE
    return to.email, to, getattr(to, "preferred_language", "") or settings.LANGUAGE_CODE


def send(
    key: str,
    to,
    context: dict,
    language: str | None = None,
    dedupe_key: str | None = None,
    attachments: list[Attachment] = (),
) -> EmailLog:
    """Send message ``key`` to a user or an address, at most once per ``dedupe_key``, with ``attachments``.

    Returns the log row: ``log.just_created`` is False when the key was already used (nothing sent).
    """
    address, user, user_language = recipient(to)
    language = language or user_language
    dedupe_key = dedupe_key or f"{key}:{uuid.uuid4()}"
    existing = EmailLog.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        existing.just_created = False
        return existing
    rendered = render(key, language, {**context, "recipient_email": address})
    return _log_and_deliver(key, address, user, language, dedupe_key, rendered, attachments)


def send_text(
    key: str,
    to,
    subject: str,
    body: str,
    language: str | None = None,
    dedupe_key: str | None = None,
    attachments: list[Attachment] = (),
) -> EmailLog:
    """Send a message whose text is already written, logged under ``key`` like any other.

    Same rules as ``send``: at most once per ``dedupe_key``, a fresh key when none is given, ``attachments``
    read from storage at each delivery.
    """
    address, user, user_language = recipient(to)
    language = language or user_language
    dedupe_key = dedupe_key or f"{key}:{uuid.uuid4()}"
    existing = EmailLog.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        existing.just_created = False
        return existing
    rendered = Rendered(" ".join(subject.split())[:255], body)
    return _log_and_deliver(key, address, user, language, dedupe_key, rendered, attachments)


def _log_and_deliver(
    key: str, address: str, user, language: str, dedupe_key: str, rendered: Rendered, attachments=()
) -> EmailLog:
    with transaction.atomic():
        log, created = EmailLog.objects.get_or_create(
            dedupe_key=dedupe_key,
            defaults={
                "template_key": key[:64],
                "language": language[:8],
                "to": address,
                "user": user,
                "subject": rendered.subject,
                "body": rendered.body,
                "attachments": [attachment.as_dict() for attachment in attachments],
            },
        )
    if not created:
        log.just_created = False
        return log
    log = deliver(log.pk)
    log.just_created = True
    return log


def _backoff(attempts: int) -> timedelta:
    return FIRST_RETRY_DELAY * (BACKOFF_FACTOR ** (attempts - 1))


def deliver(log_id: int, now: datetime | None = None) -> EmailLog:
    """Hand one logged message to the mail backend, if it is new or a failure due for retry.

    The attempt is committed as "sending" before the message leaves: if the process dies while
    sending, the row stays "sending" and is never sent again automatically (at most once).
    """
    now = now or timezone.now()
    with transaction.atomic():
        log = EmailLog.objects.select_for_update().get(pk=log_id)
        first_try = log.status == EmailLog.Status.PENDING
        due_retry = (
            log.status == EmailLog.Status.FAILED
            and log.next_attempt_at is not None
            and log.next_attempt_at <= now
            and log.attempts < MAX_ATTEMPTS
        )
        if not (first_try or due_retry):
            return log
        log.attempts += 1
        log.last_attempt_at = now
        log.status = EmailLog.Status.SENDING
        log.save(update_fields=["attempts", "last_attempt_at", "status"])
    try:
        message = EmailMessage(log.subject, log.body, settings.DEFAULT_FROM_EMAIL, [log.to])
        for attachment in log.attachments:  # read at each attempt: a retry carries the files again
            with default_storage.open(attachment["name"], "rb") as handle:
                message.attach(attachment["filename"], handle.read(), attachment["mimetype"])
        message.send(fail_silently=False)
    except Exception as exc:  # any backend error, or an attached file gone: keep it, retry later
        log.status = EmailLog.Status.FAILED
        log.error = f"{type(exc).__name__}: {exc}"[:2000]
        log.next_attempt_at = now + _backoff(log.attempts) if log.attempts < MAX_ATTEMPTS else None
    else:
        log.status = EmailLog.Status.SENT
        log.sent_at = now
        log.error = ""
        log.next_attempt_at = None
    log.save(update_fields=["status", "error", "next_attempt_at", "sent_at"])
    return log


def retry_failed(now: datetime | None = None) -> list[int]:
    """Retry every failed message whose backoff has elapsed, and every message logged but never tried
    (its task died before sending) for longer than ``PENDING_GRACE``; returns the ids attempted."""
    now = now or timezone.now()
    ids = list(
        EmailLog.objects.filter(
            Q(status=EmailLog.Status.FAILED, next_attempt_at__lte=now, attempts__lt=MAX_ATTEMPTS)
            | Q(status=EmailLog.Status.PENDING, created_at__lte=now - PENDING_GRACE)
        ).values_list("pk", flat=True)
    )
    for log_id in ids:
        deliver(log_id, now=now)
    return ids


def retry_now(log_id: int, now: datetime | None = None) -> EmailLog:
    """Staff ask for a failed message to be tried again at once (same row, same key: never a duplicate)."""
    now = now or timezone.now()
    with transaction.atomic():
        log = EmailLog.objects.select_for_update().get(pk=log_id)
        if log.status != EmailLog.Status.FAILED:
            return log
        log.next_attempt_at = now
        if log.attempts >= MAX_ATTEMPTS:
            log.attempts = MAX_ATTEMPTS - 1
        log.save(update_fields=["next_attempt_at", "attempts"])
    return deliver(log_id, now=now)


# The tags the restricted engine renders in a plain-text message. Every other one is refused when
# staff save a template: ``include``/``extends``/``block`` need a loader (there is none), ``url``
# and ``csrf_token`` a request, ``debug`` would print the context, ``load`` has no library to load.
ALLOWED_TAGS = frozenset(
    {
        "autoescape",
        "comment",
        "cycle",
        "filter",
        "firstof",
        "for",
        "if",
        "ifchanged",
        "lorem",
        "now",
        "regroup",
        "resetcycle",
        "spaceless",
        "templatetag",
        "verbatim",
        "widthratio",
        "with",
    }
)
# Inner and closing tags of the allowed ones: a syntax error on one of them is a mistake, not a refusal.
_INNER_TAGS = frozenset({"elif", "else", "empty"} | {f"end{tag}" for tag in ALLOWED_TAGS})


def _tag_name(token) -> str | None:
    if token is None or token.token_type != TokenType.BLOCK:
        return None
    return (token.contents.split() or [""])[0]


def _refused_tag(tag: str) -> str:
    return _("La balise %(tag)s n'est pas autorisée dans un modèle d'e-mail.") % {"tag": f"{{% {tag} %}}"}


def template_problem(source: str, sample_context: dict) -> str | None:
    """Why staff-written ``source`` cannot be sent (a message in the active language), or None.

    Compiled with the messenger's own engine; every tag of the compiled template must be allowed;
    then rendered with the sample context, any error being a refusal: what passes here renders
    when the message is sent.
    """
    try:
        template = compile_text(source)
    except TemplateSyntaxError as exc:
        tag = _tag_name(getattr(exc, "token", None))
        if tag and tag not in ALLOWED_TAGS | _INNER_TAGS:
            return _refused_tag(tag)
        return _("Ce texte contient une balise invalide : %(error)s") % {"error": exc}
    for node in template.nodelist.get_nodes_by_type(Node):
        tag = _tag_name(getattr(node, "token", None))
        if tag and tag not in ALLOWED_TAGS:
            return _refused_tag(tag)
    try:
        with translation.override(settings.LANGUAGE_CODE):
            template.render(Context(sample_context, autoescape=False))
    except Exception as exc:  # noqa: BLE001 - whatever fails here would fail when sending
        return _("Ce texte ne peut pas être rendu : %(error)s") % {"error": f"{type(exc).__name__}: {exc}"}
    return None


def check_template(subject: str, body: str, sample_context: dict) -> str | None:
    """The first reason why the subject or the body cannot be sent, or None."""
    return template_problem(subject, sample_context) or template_problem(body, sample_context)
