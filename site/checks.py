"""System checks: `manage.py check --deploy` names each embedded default in use."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def embedded_defaults_in_use(app_configs, **kwargs):
    """One warning (northstar.W001) per embedded default the settings run on, with the
    variables that replace it (settings.EMBEDDED_DEFAULTS_IN_USE); none in production."""
    return [
        Warning(
            f"An embedded default is in use: {description}.",
            hint=(
                "It is meant for `make run` and demos; with DEBUG off it runs only while "
                "ALLOW_EMBEDDED_DEFAULTS=true."
            ),
            id="northstar.W001",
        )
        for description in settings.EMBEDDED_DEFAULTS_IN_USE
    ]
