"""The site's URLs, and before them the bench's minimal form view (see `minimal_form`)."""

from django.urls import include, path

from northstar import urls as site_urls

from .minimal_form import MINIMAL_PATH, minimal_form

urlpatterns = [
    path(MINIMAL_PATH.strip("/") + "/", minimal_form),
    path("", include(site_urls)),
]

handler400 = site_urls.handler400
handler403 = site_urls.handler403
handler404 = site_urls.handler404
handler500 = site_urls.handler500
