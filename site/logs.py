"""One time in every log line: ISO 8601 in the organisation's TIME_ZONE, with its offset.

"2026-04-15T09:30:00.123-04:00 INFO northstar.tasks: Re-enqueued 3 stalled emails".
The web processes (Django's LOGGING), gunicorn's own error and access logs
(site/gunicorn.conf.py) and Celery's worker and beat (`configure_celery_logging`,
in place of Celery's own set-up) all format with `Formatter`, so lines from every
process sort and compare as they are, whatever time zone each machine runs in.
"""

import logging
import logging.config
from datetime import datetime
from zoneinfo import ZoneInfo

LINE_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class Formatter(logging.Formatter):
    """`LINE_FORMAT` with `asctime` as ISO 8601 with the offset, in `time_zone`.

    `time_zone` is an IANA name ("America/New_York"); None means Django's
    TIME_ZONE, read at the first line (gunicorn's master logs before Django is set up).
    """

    def __init__(self, fmt=LINE_FORMAT, datefmt=None, style="%", time_zone=None, **kwargs):
        super().__init__(fmt, datefmt, style, **kwargs)
        self._zone = ZoneInfo(time_zone) if time_zone else None

    @property
    def zone(self):
        if self._zone is None:
            from django.conf import settings

            self._zone = ZoneInfo(settings.TIME_ZONE)
        return self._zone

    def formatTime(self, record, datefmt=None):  # noqa: N802 (logging's name)
        moment = datetime.fromtimestamp(record.created, tz=self.zone)
        if datefmt:
            return moment.strftime(datefmt)
        return moment.isoformat(timespec="milliseconds")


def configure_celery_logging(loglevel=None, **kwargs):
    """Celery's `setup_logging` signal: the worker and beat log as Django's LOGGING says.

    Connected, it replaces Celery's own set-up (which would put its own format,
    in the machine's time without an offset, on the root logger). `loglevel` is
    the command line's `--loglevel`, which wins over LOG_LEVEL for the root logger.
    """
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    if loglevel:
        logging.getLogger().setLevel(loglevel)
