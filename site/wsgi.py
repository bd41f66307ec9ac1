"""WSGI entry point: `gunicorn northstar.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "northstar.settings")

application = get_wsgi_application()
