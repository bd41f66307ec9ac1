"""Reading a form's error summary (templates/includes/form_errors.html) out of a response."""

from html.parser import HTMLParser


class _SummaryParser(HTMLParser):
    """Collects the summary's attributes, its links `(href, text)` and the ids in the page."""

    def __init__(self):
        super().__init__()
        self.summary = None
        self.depth = 0  # how deep inside the summary's <div> the parser is
        self.links = []
        self.ids = {}
        self._link = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids[attrs["id"]] = (tag, attrs)
        if attrs.get("id") == "error-summary":
            self.summary = attrs
            self.depth = 1
            return
        if self.depth and tag == "div":
            self.depth += 1
        if self.depth and tag == "a":
            self._link = [attrs.get("href"), ""]

    def handle_endtag(self, tag):
        if self.depth and tag == "div":
            self.depth -= 1
        if self._link and tag == "a":
            self.links.append(tuple(self._link))
            self._link = None

    def handle_data(self, data):
        if self._link:
            self._link[1] += data


def error_summary(response):
    """The page's error summary: `{"attrs": {...}, "links": [(href, text)], "ids": {...}}`.

    `attrs` is None when the page has no summary; `ids` maps each id in the page to its
    `(tag, attrs)`, so a test can check that a link leads to an input."""
    parser = _SummaryParser()
    parser.feed(response.content.decode())
    return {"attrs": parser.summary, "links": parser.links, "ids": parser.ids}


def assert_summary_links_to(response, *input_ids):
    """The response has a focusable alert summary whose links lead, in order, to `input_ids`,
    each an input that says it is invalid and is described by its own message."""
    summary = error_summary(response)
    attrs = summary["attrs"]
    assert attrs is not None, "no error summary"
    assert (attrs["role"], attrs["tabindex"], "autofocus" in attrs) == ("alert", "-1", True)
    hrefs = [href for href, _ in summary["links"]]
    assert hrefs == [f"#{input_id}" for input_id in input_ids], summary["links"]
    for input_id in input_ids:
        tag, input_attrs = summary["ids"][input_id]
        assert tag in ("input", "select", "textarea"), input_id
        if input_attrs.get("type") != "radio":
            assert input_attrs.get("aria-invalid") == "true", input_id
            assert f"{input_id}_error" in input_attrs.get("aria-describedby", "").split()
            assert f"{input_id}_error" in summary["ids"], input_id
    return summary
