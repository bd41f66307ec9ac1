from django.urls import path

from . import giving_views, monthly_views, views

app_name = "donations"

urlpatterns = [
    path("give/<int:page_id>/", views.give, name="give"),
    path("test-checkout/<str:token>/", views.test_checkout, name="test-checkout"),
    path("thank-you/<str:token>/", views.thank_you, name="thank-you"),
    path("thank-you/<str:token>/status/", views.thank_you_status, name="thank-you-status"),
    path("stripe/webhook/", views.stripe_webhook, name="stripe-webhook"),
    # Monthly gifts (donations/monthly_views.py)
    path(
        "monthly/test-checkout/<str:token>/",
        monthly_views.test_checkout,
        name="monthly-test-checkout",
    ),
    path("monthly/thank-you/<str:token>/", monthly_views.thank_you, name="monthly-thank-you"),
    path("monthly/manage/", monthly_views.request_link, name="monthly-request-link"),
    path("monthly/manage/<str:token>/", monthly_views.manage, name="monthly-manage"),
    path("monthly/manage/<str:token>/cancel/", monthly_views.cancel, name="monthly-cancel"),
    path("monthly/manage/<str:token>/amount/", monthly_views.amount, name="monthly-amount"),
    path("monthly/manage/<str:token>/card/", monthly_views.card, name="monthly-card"),
    # All my giving (donations/giving_views.py)
    path("giving/", giving_views.request_link, name="giving-request-link"),
    path("giving/<str:token>/", giving_views.giving, name="giving"),
    path(
        "giving/<str:token>/receipts/<uuid:gift>.pdf",
        giving_views.receipt_download,
        name="giving-receipt-pdf",
    ),
]
