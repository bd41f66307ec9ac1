"""A supporter's photo tells nobody where, when or with what it was taken (issue 24): what
the start and edit forms store, and what the public page shows, read back with Pillow."""

import re

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from campaigns.editing import page_version
from campaigns.models import FundraiserPage
from tests.support.photos import (
    BLUE,
    RED,
    looks_like,
    metadata_in,
    phone_jpeg,
    pixel,
    tagged_png,
    tagged_webp,
)

pytestmark = pytest.mark.django_db

RANDOM_ORIGINAL = re.compile(r"original_images/[0-9a-f]{64}\.(jpg|png|webp)")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def edit_photo(client, page, photo):
    """Post the dashboard's edit form for `page`, opened just now, with `photo`; the page's
    image after."""
    client.post(
        reverse("dashboard:edit-page", args=[page.pk]),
        {
            "title": "Maria's walk",
            "goal_cents": "500",
            "story": "I walk.",
            "photo": photo,
            "opened_version": page_version(FundraiserPage.objects.get(pk=page.pk)),
        },
    )
    return FundraiserPage.objects.get(pk=page.pk).photo


def stored(file_field):
    with file_field.storage.open(file_field.name, "rb") as f:
        return f.read()


def page_image_src(client, page) -> str:
    """The `src` of the photo's <img> on the public fundraiser page."""
    html = client.get(page.url).content.decode()
    return re.search(r'<figure class="block-image"><img[^>]* src="([^"]+)"', html).group(1)


def test_a_phone_photo_from_the_edit_form_is_stored_without_place_device_or_time(
    signed_in, fundraiser
):
    photo = edit_photo(signed_in, fundraiser, phone_jpeg("IMG_4032.jpg"))

    content = stored(photo.file)
    assert metadata_in(content) == {}
    assert RANDOM_ORIGINAL.fullmatch(photo.file.name)
    assert not default_storage.exists("original_images/IMG_4032.jpg")
    assert (photo.width, photo.height, photo.file_size) == (400, 600, len(content))


def test_the_public_pages_img_shows_a_clean_upright_rendition_under_no_guessable_name(
    signed_in, client, fundraiser, media_root
):
    photo = edit_photo(signed_in, fundraiser, phone_jpeg("IMG_4032.jpg", width=1200, height=800))

    src = page_image_src(client, fundraiser)
    assert src.startswith("/media/images/") and src.endswith(".fill-720x540-c75.jpg")
    assert "IMG_4032" not in src
    assert photo.file.name[-20:-4] not in src  # the original's name cannot be worked out
    content = (media_root / src.removeprefix("/media/")).read_bytes()
    assert metadata_in(content) == {}
    # The page's 4:3 crop of the upright photo: red (the stored top) on the right.
    assert looks_like(pixel(content, 700, 270), RED)
    assert looks_like(pixel(content, 20, 270), BLUE)


@pytest.mark.parametrize("upload", [tagged_png, tagged_webp], ids=["png", "webp"])
def test_a_png_or_webp_from_the_edit_form_keeps_no_text_exif_or_xmp(
    signed_in, client, fundraiser, media_root, upload
):
    photo = edit_photo(signed_in, fundraiser, upload())

    assert metadata_in(stored(photo.file)) == {}
    assert RANDOM_ORIGINAL.fullmatch(photo.file.name)
    src = page_image_src(client, fundraiser)
    assert metadata_in((media_root / src.removeprefix("/media/")).read_bytes()) == {}


def test_the_edit_forms_preview_of_the_photo_is_clean(signed_in, fundraiser):
    photo = edit_photo(signed_in, fundraiser, phone_jpeg("IMG_4032.jpg"))

    assert metadata_in(stored(photo.get_rendition("fill-240x180-c75").file)) == {}


def test_a_phone_photo_from_the_start_form_is_stored_without_place_device_or_time(
    client, campaign, owner
):
    client.force_login(owner)
    client.post(
        reverse("campaigns:start-fundraiser", args=[campaign.pk]),
        {
            "title": "Maria's walk for survivors",
            "goal_cents": "500",
            "story": "I walk.",
            "photo": phone_jpeg("IMG_4032.jpg"),
        },
    )

    photo = FundraiserPage.objects.get(supporter=owner).photo
    assert metadata_in(stored(photo.file)) == {}
    assert RANDOM_ORIGINAL.fullmatch(photo.file.name)
    assert (photo.width, photo.height) == (400, 600)
    assert metadata_in(stored(photo.get_rendition("fill-720x540-c75").file)) == {}
