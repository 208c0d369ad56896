"""Pictures of the public site: checked, re-encoded, resized once, served from a public folder.

An upload is opened with Pillow and judged by its content, never by its name: only JPEG, PNG and
WebP are accepted, up to ``MAX_BYTES`` and ``MAX_PIXELS``. It is then decoded and re-encoded from
its bare pixels (orientation applied, EXIF, GPS, ICC and text chunks dropped), so the bytes a
visitor receives were written by Pillow, never by the uploader, and stored under a random name.

The responsive renditions (``WIDTHS``) are made once, when the object is saved, by django-imagekit
with its "optimistic" strategy: rendering a page computes their addresses and reads no file and no
database row. Every file lives under ``settings.PUBLIC_MEDIA_ROOT``, a folder distinct from the
private documents' ``MEDIA_ROOT`` (``check_public_media`` refuses one inside the other).
"""

from __future__ import annotations

import io
import os
import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.core import checks
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.validators import FileExtensionValidator
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from imagekit import ImageSpec
from imagekit.cachefiles import ImageCacheFile
from imagekit.cachefiles.strategies import Optimistic
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError
from pilkit.processors import ResizeToFit

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
# Originals are kept at most this wide or high: the largest rendition is 1600 px.
MAX_SIDE = 3200
WIDTHS = (400, 800, 1600)
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
ACCEPT = "image/jpeg,image/png,image/webp"
EXTENSIONS = ("jpg", "jpeg", "png", "webp")

MESSAGES = {
    "unreadable": _("Ce fichier n'est pas une image lisible : choisissez une image JPEG, PNG ou WebP."),
    "svg": _(
        "Les images SVG ne sont pas acceptées (elles peuvent contenir du code) : "
        "choisissez une image JPEG, PNG ou WebP."
    ),
    "format": _("Le format %(format)s n'est pas accepté : choisissez une image JPEG, PNG ou WebP."),
    "damaged": _(
        "Cette image est endommagée ou incomplète : enregistrez-la de nouveau depuis votre logiciel "
        "d'images, puis réessayez."
    ),
    "pixels": _(
        "Cette image est trop grande (%(width)s × %(height)s pixels) : la limite est de %(limit)s millions de pixels."
    ),
    "bytes": _(
        "Ce fichier est trop lourd (%(size)s) : la limite est de %(limit)s. Réduisez l'image ou "
        "enregistrez-la en JPEG, puis réessayez."
    ),
    "empty": _("Le fichier envoyé est vide."),
}


@deconstructible
class PublicMediaStorage(FileSystemStorage):
    """``settings.PUBLIC_MEDIA_ROOT`` served at ``settings.PUBLIC_MEDIA_URL``, read at each use (tests change them)."""

    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PUBLIC_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        url = self._value_or_setting(self._base_url, settings.PUBLIC_MEDIA_URL)
        return url if url.endswith("/") else url + "/"


def public_storage() -> PublicMediaStorage:
    return PublicMediaStorage()


def upload_to(instance, filename: str) -> str:
    """A random name in a folder per kind of content; the extension is the one Pillow wrote."""
    ext = Path(filename).suffix.lower() or ".jpg"
    return f"images/{instance._meta.model_name}/{uuid.uuid4().hex}{ext}"


def _refuse(code: str, **params) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code, params=params or None)


def _looks_like_svg(head: bytes) -> bool:
    text = head.lstrip().lower()
    return text.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in text[:1024]


def reencode(upload) -> ContentFile:
    """The upload checked and rewritten by Pillow, or ``ValidationError`` with a French message.

    ``upload`` is any file object with ``read``/``seek`` (an uploaded file, ``BytesIO``…).
    """
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
    if not size:
        raise _refuse("empty")
    if size > MAX_BYTES:
        raise _refuse("bytes", size=filesizeformat(size), limit=filesizeformat(MAX_BYTES))
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if _looks_like_svg(head):
        raise _refuse("svg")
    try:
        image = Image.open(upload)
    except Image.DecompressionBombError:
        raise _refuse("pixels", width="?", height="?", limit=MAX_PIXELS // 1_000_000)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _refuse("unreadable")
    with image:
        if image.format not in FORMATS:
            raise _refuse("format", format=image.format or "?")
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise _refuse("pixels", width=width, height=height, limit=MAX_PIXELS // 1_000_000)
        fmt = image.format
        # WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES when imported (PDFs): a truncated
        # upload would then decode with grey bands. Refuse it instead, whatever was imported before.
        lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
        try:
            image.load()
            image = ImageOps.exif_transpose(image)
            clean = _bare_pixels(image, fmt)
        except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
            raise _refuse("damaged")
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = lenient
    clean.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if fmt == "JPEG":
        clean.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    elif fmt == "PNG":
        clean.save(out, "PNG", optimize=True)
    else:
        clean.save(out, "WEBP", quality=85, method=4)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{FORMATS[fmt]}")


def _bare_pixels(image: Image.Image, fmt: str) -> Image.Image:
    """A new image made of the pixels alone: nothing of the file's metadata can survive."""
    if fmt == "JPEG":
        mode = "L" if image.mode in ("1", "L") else "RGB"
    else:
        has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
        mode = ("LA" if image.mode in ("L", "LA") else "RGBA") if has_alpha else ("L" if image.mode == "L" else "RGB")
    converted = image.convert(mode)
    return Image.frombytes(mode, converted.size, converted.tobytes())


# --- Responsive renditions (django-imagekit), made once at save time.


class _Rendition(ImageSpec):
    width = 400
    options = {"quality": 82, "optimize": True}

    @property
    def processors(self):
        return [ResizeToFit(width=self.width, upscale=False)]


_SPECS = {w: type(f"Rendition{w}", (_Rendition,), {"width": w}) for w in WIDTHS}


def _cache_file(field_file, width: int) -> ImageCacheFile:
    spec = _SPECS[width](source=field_file)
    return ImageCacheFile(spec, storage=public_storage(), cachefile_strategy=Optimistic())


def rendition_widths(width: int) -> list[int]:
    """The renditions worth making for an original ``width`` px wide (no upscaling, no duplicate)."""
    widths = []
    for w in WIDTHS:
        widths.append(w)
        if w >= width:
            break
    return widths


def generate_renditions(field_file, width: int) -> None:
    for w in rendition_widths(width):
        _cache_file(field_file, w).generate(force=True)


def delete_image(name: str) -> None:
    """The original and its renditions (imagekit keeps them under ``CACHE/images/<name without extension>/``)."""
    if not name:
        return
    storage = public_storage()
    storage.delete(name)
    folder = Path(settings.PUBLIC_MEDIA_ROOT) / settings.IMAGEKIT_CACHEFILE_DIR / Path(name).with_suffix("")
    if folder.is_dir():
        for child in folder.iterdir():
            child.unlink(missing_ok=True)
        folder.rmdir()


def picture(obj) -> dict | None:
    """What a template needs to show ``obj``'s image, or ``None`` (no image, or a person without consent).

    Reads no file: the width and height are stored on the object, the renditions' addresses computed.
    """
    from .models import Person, translated

    if not obj.image or not obj.image_width or not obj.image_height:
        return None
    if isinstance(obj, Person) and not obj.consent:
        return None
    width, height = obj.image_width, obj.image_height
    sources = []
    for w in rendition_widths(width):
        shown = min(w, width)
        sources.append((_cache_file(obj.image, w).url, shown))
    largest_url, largest = sources[-1]
    return {
        "src": sources[min(1, len(sources) - 1)][0],
        "srcset": ", ".join(f"{url} {w}w" for url, w in sources),
        "largest": largest_url,
        "width": largest,
        "height": round(height * largest / width),
        "alt": translated(obj, "image_alt"),
    }


@checks.register(checks.Tags.security)
def check_public_media(app_configs=None, **kwargs):
    """The public pictures' folder is never the private documents' folder, nor inside or around it."""
    public = Path(settings.PUBLIC_MEDIA_ROOT).resolve()
    private = Path(settings.MEDIA_ROOT).resolve()
    if public == private or public.is_relative_to(private) or private.is_relative_to(public):
        return [
            checks.Error(
                "PUBLIC_MEDIA_ROOT and MEDIA_ROOT overlap: public pictures would share the private documents' folder.",
                id="events.E001",
            )
        ]
    if settings.PUBLIC_MEDIA_URL.rstrip("/") == settings.MEDIA_URL.rstrip("/"):
        return [checks.Error("PUBLIC_MEDIA_URL must differ from MEDIA_URL.", id="events.E002")]
    return []


# --- The fields: a model field whose admin form field re-encodes the upload.


class PublicImageFormField(forms.ImageField):
    """An upload judged by ``reencode``: the cleaned value is Pillow's rewrite, under a random name."""

    def to_python(self, data):
        uploaded = forms.FileField.to_python(self, data)
        if uploaded is None:
            return None
        return reencode(uploaded)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs["accept"] = ACCEPT
        return attrs


class PublicImageField(models.ImageField):
    """An ``ImageField`` stored in the public media folder under a random name, JPEG/PNG/WebP only."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("storage", public_storage)
        kwargs.setdefault("upload_to", upload_to)
        kwargs.setdefault("validators", [FileExtensionValidator(EXTENSIONS)])
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PublicImageFormField, **kwargs})


def serve(request, path: str):
    """A public picture (original or rendition) from ``PUBLIC_MEDIA_ROOT``; anything else is a 404.

    Names are random and never reused, so a year of browser caching is safe. In production the TLS
    proxy may serve the folder itself; this view keeps ``docker compose up`` complete without it.
    """
    from django.http import Http404
    from django.views.static import serve as static_serve

    if Path(path).suffix.lower().lstrip(".") not in EXTENSIONS:
        raise Http404
    response = static_serve(request, path, document_root=settings.PUBLIC_MEDIA_ROOT)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
