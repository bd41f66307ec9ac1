from django.urls import path

from . import views

app_name = "petitions"

urlpatterns = [
    path("<int:petition_id>/sign/", views.sign_petition, name="sign"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
