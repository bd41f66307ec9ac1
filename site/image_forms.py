"""The image form every upload goes through (WAGTAILIMAGES_IMAGE_FORM_BASE), apart from
`northstar.images` because Wagtail's image forms module queries the database when imported,
which the model modules that import `northstar.images` (through `campaigns.forms`) cannot
wait for."""

from wagtail.images.forms import BaseImageForm

from .images import ImageFileField


class ImageForm(BaseImageForm):
    """Wagtail's image form with an `ImageFileField` for the file (WAGTAILIMAGES_IMAGE_FORM_BASE):
    the admin's single, multiple and chooser uploads, its "replace file", and the supporter's
    photo (`campaigns.services.save_photo`) all use it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Wagtail makes the file field itself (`formfield_for_dbfield`, not configurable), and
        # a field declared here would outlive the multiple uploader's `exclude`: swap it.
        made = self.fields.get("file")
        if made is not None:
            self.fields["file"] = ImageFileField(
                label=made.label, required=made.required, widget=made.widget
            )
