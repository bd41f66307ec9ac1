"""WSGI entry point: `gunicorn northstar.wsgi`."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "northstar.settings")

application = get_wsgi_application()

# Build the ZIP index (about a second) before the first signer is waiting on it.
from petitions.routing import zip_index  # noqa: E402

zip_index()

# What is loaded by now lives as long as the process: keep the garbage collector off
# it, and let the young generation grow further between collections (a request
# allocates thousands of short-lived objects).
gc.freeze()
gc.set_threshold(50_000, 20, 100)
