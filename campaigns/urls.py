from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("<int:campaign_id>/start/", views.start_fundraiser, name="start-fundraiser"),
    path("pages/<int:fundraiser_id>/opened/", views.fundraiser_opened, name="fundraiser-opened"),
]
