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

from csp.constants import HEADER, SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from csp.utils import build_policy
from django.conf import settings

ADMIN_PATH_PREFIX = "/admin/"  # northstar/urls.py mounts Wagtail's admin here
ADMIN_POLICY_REPLACE = {
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    "frame-ancestors": [SELF],
}
# What a view or decorator may set on a response to change its policy.
PER_RESPONSE = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt")


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with `ADMIN_POLICY_REPLACE` applied to the admin's paths.

    A view's own `@csp_replace` still wins over the admin's replacement. The
    site's two fixed policies (public, admin) are built once per setting, not
    per response: building one costs django-csp about 0.1 ms, a sixth of a
    cached page read. Responses that need more (a nonce, a view's decorator,
    a report-only policy, DEBUG's error pages) go through django-csp as usual.
    """

    _built = {}  # (id of the CONTENT_SECURITY_POLICY setting, admin?) -> (setting, header)

    def process_response(self, request, response):
        fixed = not (
            settings.DEBUG
            or getattr(request, "_csp_nonce", None) is not None
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or any(hasattr(response, name) for name in PER_RESPONSE)
        )
        if not fixed:
            return super().process_response(request, response)
        if HEADER not in response:
            response[HEADER] = self.fixed_policy(request.path_info.startswith(ADMIN_PATH_PREFIX))
        return response

    def fixed_policy(self, admin):
        """The header value of the public (`admin` false) or the admin's policy, built once."""
        setting = settings.CONTENT_SECURITY_POLICY
        key = (id(setting), admin)
        if key not in self._built:
            # The setting is kept with its value, so its id is not reused while cached.
            policy = build_policy(replace=ADMIN_POLICY_REPLACE if admin else None)
            self._built[key] = (setting, policy)
        return self._built[key][1]

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith(ADMIN_PATH_PREFIX):
            parts.replace = {**ADMIN_POLICY_REPLACE, **(parts.replace or {})}
        return parts
