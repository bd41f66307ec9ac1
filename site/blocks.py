"""StreamField blocks shared by every page body on the site."""

from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    caption = blocks.CharBlock(required=False, max_length=250)
    credit = blocks.CharBlock(
        required=False, max_length=250, help_text="Photographer or source, shown under the image."
    )
    alt_text = blocks.CharBlock(
        required=False,
        max_length=250,
        help_text="Describe the image for people who cannot see it. Leave empty if decorative.",
    )

    class Meta:
        icon = "image"
        template = "blocks/image_block.html"
        preview_value = {"caption": "Volunteers at the spring drive", "credit": "North Star"}


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "openquote"
        template = "blocks/quote_block.html"
        preview_value = {
            "text": "Someone believed me, and that changed everything.",
            "attribution": "A survivor supported by our partners",
        }


class HotlineCalloutBlock(blocks.StructBlock):
    """Shows the hotline numbers from the site settings, with a heading and a line of text."""

    heading = blocks.CharBlock(max_length=120, default="If you or someone you know needs help")
    text = blocks.TextBlock(
        required=False,
        default="Trained advocates answer around the clock, in more than 200 languages.",
    )

    class Meta:
        icon = "help"
        template = "blocks/hotline_callout_block.html"
        preview_value = {"heading": "If you or someone you know needs help"}


class BaseStreamBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        icon="pilcrow",
        template="blocks/paragraph_block.html",
        features=["h2", "h3", "bold", "italic", "link", "ol", "ul"],
    )
    image = ImageBlock()
    quote = QuoteBlock()
    hotline_callout = HotlineCalloutBlock()
