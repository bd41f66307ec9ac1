"""gunicorn's settings for North Star: `gunicorn -c site/gunicorn.conf.py northstar.wsgi`.

Its error and access logs start each line with the time in TIME_ZONE with its
offset (northstar/logs.py), as Django's, the worker's and beat's lines do. The
access line is gunicorn's "combined" format without its own time (`%(t)s`).
The bind address, workers and threads stay on the command line (README).
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "northstar.settings")

access_log_format = '%(h)s %(l)s %(u)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"()": "northstar.logs.Formatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "formatter": "line",
            "stream": "ext://sys.stdout",
        },
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "line",
            "stream": "ext://sys.stderr",
        },
    },
    # Not propagated: Django's LOGGING puts its own handler on the root logger.
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
    },
    "root": {"level": "INFO", "handlers": []},
}
