from django.urls import path

from . import views

app_name = "donations"

urlpatterns = [
    path("give/<int:page_id>/", views.give, name="give"),
    path("test-checkout/<str:token>/", views.test_checkout, name="test-checkout"),
    path("thank-you/<str:token>/", views.thank_you, name="thank-you"),
    path("thank-you/<str:token>/status/", views.thank_you_status, name="thank-you-status"),
    path("stripe/webhook/", views.stripe_webhook, name="stripe-webhook"),
]
