"""The site's settings, with the bench's minimal form view mounted (`bench_urls`).

Only `make bench` runs gunicorn on these (DJANGO_SETTINGS_MODULE); production
and the test suite never load them, so no deployed site serves the view.
"""

from northstar.settings import *  # noqa: F403

ROOT_URLCONF = "tests.bench.programs.bench_urls"
