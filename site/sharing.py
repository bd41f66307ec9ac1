"""Share links as plain URLs: no third-party scripts load on our pages."""

from urllib.parse import quote, urlencode


def share_links(url, text):
    """(label, href) pairs for email, Facebook, X and WhatsApp."""
    return [
        (
            "Email",
            f"mailto:?{urlencode({'subject': text, 'body': f'{text} {url}'}, quote_via=quote)}",
        ),
        ("Facebook", f"https://www.facebook.com/sharer/sharer.php?{urlencode({'u': url})}"),
        ("X", f"https://x.com/intent/post?{urlencode({'text': text, 'url': url})}"),
        ("WhatsApp", f"https://wa.me/?{urlencode({'text': f'{text} {url}'})}"),
    ]
