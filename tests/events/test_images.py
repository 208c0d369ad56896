"""Public pictures: uploads judged by their content and rewritten by Pillow, sizes made once, no hot-linking."""

from __future__ import annotations

import io
import re
import struct
import zlib
from html import unescape
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from events import images
from events.importer import import_files
from events.models import NewsItem, Person

from .factories import EventFactory, NewsItemFactory, PageFactory, PersonFactory

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825


@pytest.fixture(autouse=True)
def public_media(settings, tmp_path):
    settings.PUBLIC_MEDIA_ROOT = tmp_path / "public"
    return settings.PUBLIC_MEDIA_ROOT


def image_bytes(fmt="JPEG", size=(1200, 800), colour=(30, 90, 160), exif_gps=False, mode="RGB") -> bytes:
    image = Image.new(mode, size, colour)
    out = io.BytesIO()
    kwargs = {}
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "Appareil secret"  # Make
        exif[0x0112] = 6  # Orientation: rotated 90° clockwise
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)})
        kwargs["exif"] = exif.tobytes()
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def post_news(client, image=None, alt="Une salle de séminaire", slug="avec-image"):
    data = {"slug": slug, "title_fr": "Avec image", "published_at_0": "01/12/2026", "published_at_1": "10:00",
            "is_published": "on", "image_alt_fr": alt, "image_alt_en": "", "image_origin": ""}  # fmt: skip
    if image is not None:
        data["image"] = image
    return client.post("/admin/events/newsitem/add/", data)


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in Path(root).rglob("*") if p.is_file()) if Path(root).exists() else []


def crafted_png(width: int, height: int) -> bytes:
    """A small valid PNG whose header claims ``width`` × ``height`` pixels (a decompression bomb's header)."""
    data = image_bytes("PNG", (8, 8))
    ihdr = struct.pack(">II", width, height) + data[24:29]
    chunk = b"IHDR" + ihdr
    return data[:12] + chunk + struct.pack(">I", zlib.crc32(chunk)) + data[33:]


# --- Bad input: a clear French message next to the field, nothing saved.

BAD_UPLOADS = {
    "text renamed .jpg": (b"Ceci n'est pas une image.\n" * 20, "photo.jpg", "n'est pas une image lisible"),
    "corrupted JPEG": (image_bytes("JPEG", (800, 600))[:4000], "abime.jpg", "endommagée ou incomplète"),
    "crafted PNG header (pixels)": (crafted_png(9000, 9000), "bombe.png", "trop grande (9000 × 9000 pixels)"),
    "SVG": (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "logo.jpg", "Les images SVG ne sont pas acceptées"),
    "GIF": (image_bytes("GIF", (40, 40), mode="P", colour=3), "anim.gif", "Le format GIF n'est pas accepté"),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD_UPLOADS)
def test_a_bad_upload_is_refused_next_to_the_field_and_nothing_is_saved(case, client_for, admin_user, public_media):
    data, name, message = BAD_UPLOADS[case]
    response = post_news(client_for(admin_user), upload(data, name))
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert message in html
    # Django's admin shows the field's errors in the field's own row.
    assert re.search(r'class="form-row errors field-image".*?errorlist', html, re.S)
    assert not NewsItem.objects.filter(slug="avec-image").exists()
    assert stored_files(public_media) == []


def test_a_truncated_image_is_refused_even_after_weasyprint_made_pillow_lenient(monkeypatch):
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(images.ValidationError) as refused:
        images.reencode(io.BytesIO(image_bytes("JPEG", (800, 600))[:4000]))
    assert refused.value.code == "damaged" and ImageFile.LOAD_TRUNCATED_IMAGES is True


def test_a_too_heavy_file_is_refused(client_for, admin_user, public_media):
    data = image_bytes("PNG", (64, 64)) + b"\0" * (images.MAX_BYTES + 1024 * 1024)
    response = post_news(client_for(admin_user), upload(data, "lourde.png", "image/png"))
    html = unescape(response.content.decode())
    assert "Ce fichier est trop lourd (11,0\xa0Mio) : la limite est de 10,0\xa0Mio." in html
    assert not NewsItem.objects.exists() and stored_files(public_media) == []


def test_a_real_image_too_many_pixels_is_refused(monkeypatch):
    monkeypatch.setattr(images, "MAX_PIXELS", 1_000_000)
    with pytest.raises(images.ValidationError) as refused:
        images.reencode(io.BytesIO(image_bytes("PNG", (1200, 1000))))
    assert refused.value.code == "pixels"


def test_an_image_without_alternative_text_is_refused_next_to_the_alt_field(client_for, admin_user, public_media):
    response = post_news(client_for(admin_user), upload(image_bytes()), alt="  ")
    html = response.content.decode()
    assert re.search(r"field-image_alt_fr.*?errorlist.*?Décrivez l&#x27;image en quelques mots", html, re.S)
    assert not NewsItem.objects.exists()
    assert stored_files(public_media) == []


# --- What is stored: Pillow's rewrite, without metadata, under a random name, with its sizes.


def test_upload_is_reencoded_without_exif_under_a_random_name_with_its_sizes(client_for, admin_user, public_media):
    original = image_bytes("JPEG", (1200, 800), exif_gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the test image does carry GPS
    response = post_news(client_for(admin_user), upload(original, "IMG_0042 chez moi.jpg"))
    assert response.status_code == 302
    item = NewsItem.objects.get(slug="avec-image")
    assert re.fullmatch(r"images/newsitem/[0-9a-f]{32}\.jpg", item.image.name)
    stored = Path(item.image.path)
    assert stored.is_relative_to(public_media)
    assert stored.read_bytes() != original
    with Image.open(stored) as saved:
        assert saved.format == "JPEG"
        assert not saved.getexif() and "exif" not in saved.info
        assert saved.size == (800, 1200)  # orientation applied, then dropped
    assert (item.image_width, item.image_height) == (800, 1200)
    renditions = sorted(Image.open(p).size for p in stored_files(public_media) if "CACHE" in p.parts)
    assert renditions == [(400, 600), (800, 1200)]  # no upscaling: 1600 is not made for an 800 px image


@pytest.mark.parametrize(("fmt", "ext", "mode"), [("PNG", "png", "RGBA"), ("WEBP", "webp", "RGB")])
def test_png_and_webp_keep_their_format(fmt, ext, mode):
    content = images.reencode(io.BytesIO(image_bytes(fmt, (300, 200), mode=mode, colour=(1, 2, 3, 128)[: len(mode)])))
    assert content.name.endswith(f".{ext}")
    with Image.open(io.BytesIO(content.read())) as saved:
        assert saved.format == fmt and saved.mode == mode


def test_replacing_a_picture_deletes_the_old_one_and_its_sizes(public_media, django_capture_on_commit_callbacks):
    item = NewsItemFactory(image=images.reencode(io.BytesIO(image_bytes())), image_alt_fr="Bleu")
    item = NewsItem.objects.get(pk=item.pk)
    first = item.image.path
    with django_capture_on_commit_callbacks(execute=True):
        item.image = images.reencode(io.BytesIO(image_bytes("PNG", (500, 500))))
        item.save()
    assert not Path(first).exists()
    names = [p.name for p in stored_files(public_media)]
    assert len(names) == 3  # the new original and its 400 and 500 px sizes
    assert not any(Path(first).stem in str(p) for p in stored_files(public_media))


def test_deleting_an_object_deletes_its_picture(public_media, django_capture_on_commit_callbacks):
    person = PersonFactory(consent=True, image=images.reencode(io.BytesIO(image_bytes())), image_alt_fr="Portrait")
    assert stored_files(public_media)
    with django_capture_on_commit_callbacks(execute=True):
        person.delete()
    assert stored_files(public_media) == []


# --- What visitors get.


@pytest.mark.parametrize("url", ["/actualites/", "/evenements/", "/"])
def test_pictures_add_no_query_to_lists(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_with(n):
        NewsItem.objects.all().delete()
        EventFactory._meta.model.objects.all().delete()
        for i in range(n):
            picture = {"image": images.reencode(io.BytesIO(image_bytes(size=(500, 300)))), "image_alt_fr": f"Image {i}"}
            NewsItemFactory(**picture)
            EventFactory(**{**picture, "image": images.reencode(io.BytesIO(image_bytes(size=(500, 300))))})
        from django.core.cache import cache

        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            html = client.get(url).content.decode()
        assert html.count("srcset=") >= min(n, 3)
        return len(ctx)

    assert queries_with(2) == queries_with(10)


def test_public_pages_show_the_sizes_with_srcset_alt_and_dimensions(client):
    picture = {"image": images.reencode(io.BytesIO(image_bytes("JPEG", (2000, 1000)))), "image_alt_fr": "Un amphi",
               "image_alt_en": "A lecture hall"}  # fmt: skip
    item = NewsItemFactory(**picture)
    event = EventFactory(**{**picture, "image": images.reencode(io.BytesIO(image_bytes("WEBP", (900, 600))))})
    for url in (item.get_absolute_url(), event.get_absolute_url()):
        html = client.get(url).content.decode()
        img = re.search(r"<img [^>]*srcset=[^>]*>", html).group(0)
        assert 'alt="Un amphi"' in img and "sizes=" in img
        assert re.search(r'width="\d+" height="\d+"', img)
        for src in re.findall(r"(/media/\S+) \d+w", img):
            assert client.get(src).status_code == 200
    html = client.get(item.get_absolute_url()).content.decode()
    assert re.search(r'srcset="/media/\S+ 400w, /media/\S+ 800w, /media/\S+ 1600w"', html)
    assert 'width="1600" height="800"' in html
    assert 'alt="A lecture hall"' in client.get("/en" + item.get_absolute_url()).content.decode()
    assert 'loading="lazy"' in client.get(event.get_absolute_url()).content.decode()


def test_lists_show_card_pictures_lazily(client):
    NewsItemFactory(image=images.reencode(io.BytesIO(image_bytes())), image_alt_fr="Bleu")
    EventFactory(image=images.reencode(io.BytesIO(image_bytes())), image_alt_fr="Rouge")
    for url, alt in (("/actualites/", "Bleu"), ("/evenements/", "Rouge"), ("/", "Bleu"), ("/", "Rouge")):
        html = client.get(url).content.decode()
        assert re.search(rf'<img [^>]*srcset="[^"]+ 400w[^>]*alt="{alt}"[^>]*loading="lazy"', html), (url, alt)


def test_a_person_without_consent_shows_no_photo(client):
    photo = {"image": images.reencode(io.BytesIO(image_bytes())), "image_alt_fr": "Portrait"}
    hidden = PersonFactory(consent=False, **photo)
    shown = PersonFactory(consent=True, **{**photo, "image": images.reencode(io.BytesIO(image_bytes()))})
    page = PageFactory()
    page.people.set([hidden, shown])
    assert hidden.picture is None and shown.picture is not None
    hidden_stem = Path(hidden.image.name).stem
    for url in ("/", "/personnes/", page.get_absolute_url(), hidden.get_absolute_url(), shown.get_absolute_url()):
        html = client.get(url).content.decode()
        assert hidden_stem not in html, url
    assert Path(shown.image.name).stem in client.get(shown.get_absolute_url()).content.decode()


def test_the_public_folder_is_not_the_private_one(settings):
    assert images.check_public_media() == []
    settings.PUBLIC_MEDIA_ROOT = Path(settings.MEDIA_ROOT) / "images"
    assert [e.id for e in images.check_public_media()] == ["events.E001"]


def test_only_pictures_are_served_from_the_public_folder(client, public_media):
    (public_media / "images").mkdir(parents=True)
    (public_media / "images" / "notes.txt").write_text("secret")
    assert client.get("/media/images/notes.txt").status_code == 404
    assert client.get("/media/../private/x.jpg").status_code in (400, 404)
    assert client.get("/media/%2e%2e/private/x.jpg").status_code in (400, 404)


# --- The import keeps remote addresses for staff, never in a page.


def test_import_keeps_remote_image_addresses_for_staff_and_never_hotlinks(tmp_path, client, client_for, admin_user):
    remote = "https://www.paris-iea.fr/images/evenements/32419/_thumb3/photo.jpg"
    source = tmp_path / "page.md"
    source.write_text(
        f'---\ntitle: "Programme"\npicture: "https://ancien.example.org/logo.png"\nrelatedNews:\n'
        f'  - name: "Une actualité"\n    image: "{remote}"\nrelatedEvents:\n  - name: "Un séminaire"\n'
        f'    start: "2027-03-10T14:00:00"\n    image: "{remote}"\nrelatedPeople:\n  - firstname: "Ada"\n'
        f'    lastname: "Lovelace"\n    image: "{remote}"\n---\nTexte.\n',
        encoding="utf-8",
    )
    import_files([source])
    item = NewsItem.objects.get(slug="une-actualite")
    person = Person.objects.get(slug="ada-lovelace")
    assert item.image_origin == remote and not item.image and item.picture is None
    urls = ["/", "/actualites/", "/evenements/", "/personnes/", "/pages/programme/", item.get_absolute_url(),
            person.get_absolute_url(), "/programme/"]  # fmt: skip
    for url in urls:
        response = client.get(url)
        html = response.content.decode()
        for src in re.findall(r'<img[^>]+src(?:set)?="([^"]+)"', html):
            assert not src.startswith(("http:", "https:", "//")), (url, src)
        assert "paris-iea.fr/images" not in html and "ancien.example.org" not in html, url
    change = client_for(admin_user).get(f"/admin/events/newsitem/{item.pk}/change/").content.decode()
    assert "adresse d&#x27;origine de l&#x27;image" in change.lower() and remote in change


def test_demo_seed_draws_pictures_with_their_sizes_and_a_second_run_changes_nothing(public_media):
    from io import StringIO

    from events import demo

    demo.seed(StringIO())
    pictured = NewsItem.objects.exclude(image="")
    assert pictured.count() == 3 and all(i.image_alt_fr and i.picture for i in pictured)
    files = stored_files(public_media)
    demo.seed(StringIO())
    assert stored_files(public_media) == files
