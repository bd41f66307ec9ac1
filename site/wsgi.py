"""WSGI entry point: `gunicorn northstar.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "northstar.settings")

application = get_wsgi_application()

# Build the ZIP index (about a second) before the first signer is waiting on it.
from petitions.routing import zip_index  # noqa: E402

zip_index()
