from django.conf import settings
from django.urls import include, path, reverse_lazy
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from campaigns import urls as campaign_urls

from . import errors

# Every way to log in goes through allauth's login, which limits failed
# attempts per address and per IP. Wagtail's own login forms (the admin's and
# the one for private pages) and its password reset would each be a door with
# no limit: they send the visitor to allauth's, keeping `next`, and a POST to
# them is answered with the same redirect, never checked.
to_login = RedirectView.as_view(pattern_name="account_login", query_string=True)
to_password_reset = RedirectView.as_view(url=reverse_lazy("account_reset_password"))

# The public routes a supporter posts to come first: Django tries the patterns in
# order, so a signing or a gift is resolved without first trying the admin's.
urlpatterns = [
    path("petitions/", include("petitions.urls")),
    path("donations/", include("donations.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("dashboard/", include((campaign_urls.dashboard_urlpatterns, "dashboard"))),
    path("admin/login/", to_login),
    path("admin/password_reset/", to_password_reset),
    path("admin/password_reset/<path:rest>", to_password_reset),
    path("_util/login/", to_login),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

# Error pages in the site's layout, with the quick exit and the hotline.
handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
