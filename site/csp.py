"""Content Security Policy: one strict policy for the public site, a looser one for Wagtail's admin.

The public pages run only the site's own script files (no inline script, no
inline style, no `eval`), may not be framed, and post forms only to the site
(and to Stripe Checkout when Stripe is configured). The policy itself is the
`CONTENT_SECURITY_POLICY` setting, read by django-csp.

Wagtail 8's admin still writes inline `<script>` elements (the InlinePanel and
MultipleChooserPanel set-up, the date and time choosers) and inline styles, and
shows the page preview in a frame of its own: under `/admin/` the policy adds
`'unsafe-inline'` to `script-src` and `style-src` and lets the admin frame its
own pages. Only staff who logged in reach those pages.
"""

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware

ADMIN_PATH_PREFIX = "/admin/"  # northstar/urls.py mounts Wagtail's admin here
ADMIN_POLICY_REPLACE = {
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    "frame-ancestors": [SELF],
}


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with `ADMIN_POLICY_REPLACE` applied to the admin's paths.

    A view's own `@csp_replace` still wins over the admin's replacement.
    django-csp builds the header for each response that reaches it (about
    0.05 ms of CPU; version 4.0 has no setting to build a fixed policy once).
    It sits inside the page cache (`northstar.pagecache`), so a page served
    from the cache carries the header its render was given and costs nothing
    here; static files, answered by WhiteNoise before it, carry no policy
    (a policy governs documents, and the site's static files run no script).
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith(ADMIN_PATH_PREFIX):
            parts.replace = {**ADMIN_POLICY_REPLACE, **(parts.replace or {})}
        return parts
