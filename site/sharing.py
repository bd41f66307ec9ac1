"""Share links as plain URLs: no third-party scripts load on our pages.

The one builder of share links; the caller picks the text, in the voice of whoever shares:
a page's visitor ("Help Jordan raise $500 for ..."), its owner on their dashboard ("Help me
raise ..."), a donor after giving ("I just gave to ...")."""

from urllib.parse import quote, urlencode

from django.utils.translation import gettext


def share_links(url, text):
    """(label, href) pairs for email, Facebook, X and WhatsApp sharing `url` with `text`."""
    return [
        (
            gettext("Email"),
            f"mailto:?{urlencode({'subject': text, 'body': f'{text} {url}'}, quote_via=quote)}",
        ),
        ("Facebook", f"https://www.facebook.com/sharer/sharer.php?{urlencode({'u': url})}"),
        ("X", f"https://x.com/intent/post?{urlencode({'text': text, 'url': url})}"),
        ("WhatsApp", f"https://wa.me/?{urlencode({'text': f'{text} {url}'})}"),
    ]
