from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("<int:campaign_id>/start/", views.start_fundraiser, name="start-fundraiser"),
    path("<int:campaign_id>/find/", views.find_fundraiser, name="find-fundraiser"),
    path("pages/<int:fundraiser_id>/opened/", views.fundraiser_opened, name="fundraiser-opened"),
    path(
        "invitations/stop/<str:token>/",
        views.stop_invitation_emails,
        name="stop-invitation-emails",
    ),
]

# The supporter's dashboard, mounted at /dashboard/ by the site's URLs (namespace
# "dashboard"): "dashboard:home", "dashboard:edit-page", "dashboard:preview-page",
# "dashboard:invite-friends" and "dashboard:report-offline-gift" (fundraiser_id),
# "dashboard:remind-friend" (fundraiser_id, invitation_id).
dashboard_urlpatterns = [
    path("", views.dashboard, name="home"),
    path("pages/<int:fundraiser_id>/edit/", views.edit_page, name="edit-page"),
    path("pages/<int:fundraiser_id>/preview/", views.preview_page, name="preview-page"),
    path("pages/<int:fundraiser_id>/friends/", views.invite_friends, name="invite-friends"),
    path(
        "pages/<int:fundraiser_id>/offline-gift/",
        views.report_offline_gift_view,
        name="report-offline-gift",
    ),
    path(
        "pages/<int:fundraiser_id>/friends/<int:invitation_id>/remind/",
        views.remind_friend,
        name="remind-friend",
    ),
]
