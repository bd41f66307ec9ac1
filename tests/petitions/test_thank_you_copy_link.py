"""The petition's thank-you page copies its link as every share box does (the shared
includes/share_links.html and campaigns/js/copy-link.js): no dead Copy button without
JavaScript, and its "Copied" messages in the template, where they are translated."""

import re

import pytest

pytestmark = pytest.mark.django_db


def copy_button(html):
    [button] = re.findall(r"<button [^>]*data-copy=[^>]*>[^<]*</button>", html)
    return button


def test_the_copy_button_is_hidden_until_its_script_shows_it(client, petition):
    html = client.get(f"{petition.url}thank-you/").content.decode()

    button = copy_button(html)
    assert 'data-copy="#share-url"' in button
    assert " hidden>" in button
    assert '<script src="/static/campaigns/js/copy-link.js" defer></script>' in html


def test_the_copy_buttons_messages_come_from_the_template(client, petition):
    html = client.get(f"{petition.url}thank-you/").content.decode()

    button = copy_button(html)
    assert 'data-copied="Copied"' in button
    assert 'data-copy-failed="Press Ctrl+C to copy"' in button
