from django.urls import path

from . import dashboard, invitation_views, search, views

app_name = "campaigns"

urlpatterns = [
    path("<int:campaign_id>/start/", views.start_fundraiser, name="start-fundraiser"),
    path("<int:campaign_id>/find/", search.find_fundraiser, name="find-fundraiser"),
    path("pages/<int:fundraiser_id>/opened/", views.fundraiser_opened, name="fundraiser-opened"),
    path(
        "invitations/stop/<str:token>/",
        views.stop_invitation_emails,
        name="stop-invitation-emails",
    ),
]

# The supporter's dashboard, mounted at /dashboard/ by the site's URLs (namespace
# "dashboard"): "dashboard:home", "dashboard:edit-page" and "dashboard:preview-page"
# (fundraiser_id).
dashboard_urlpatterns = [
    path("", dashboard.dashboard, name="home"),
    path("pages/<int:fundraiser_id>/edit/", dashboard.edit_page, name="edit-page"),
    path("pages/<int:fundraiser_id>/preview/", dashboard.preview_page, name="preview-page"),
    *invitation_views.urlpatterns,
]
