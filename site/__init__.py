"""North Star: the project package (the `site/` folder, imported as `northstar`)."""

from .celery import app as celery_app

__all__ = ["celery_app"]
