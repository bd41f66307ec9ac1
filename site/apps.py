from django.apps import AppConfig


class NorthStarConfig(AppConfig):
    name = "northstar"
    label = "northstar"
    verbose_name = "North Star"
