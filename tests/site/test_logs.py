"""Every log line carries one time zone, the organisation's, with its offset (northstar/logs.py)."""

import contextlib
import logging
import logging.config
import re
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path

from celery import signals
from django.conf import settings
from gunicorn.config import Config

from northstar.logs import Formatter, configure_celery_logging
from tests.support.waiting import wait_until

PROJECT_DIR = Path(__file__).resolve().parents[2]
GUNICORN_CONFIG = PROJECT_DIR / "site" / "gunicorn.conf.py"
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d ")


def record_at(moment, name="northstar.tasks", message="Re-enqueued 3 stalled emails"):
    record = logging.LogRecord(name, logging.WARNING, __file__, 1, message, None, None)
    record.created = moment.timestamp()
    return record


def configured_formatter(logging_config):
    formatter = logging_config["formatters"]["line"]
    factory = formatter["()"]
    assert factory == "northstar.logs.Formatter"
    return Formatter(**{key: value for key, value in formatter.items() if key != "()"})


def test_a_line_from_the_sites_logging_carries_the_organisations_time_and_offset():
    formatter = configured_formatter(settings.LOGGING)
    winter = datetime.fromisoformat("2026-01-15T14:30:00+00:00")

    line = formatter.format(record_at(winter))

    assert settings.TIME_ZONE == "America/New_York"
    assert line == (
        "2026-01-15T09:30:00.000-05:00 WARNING northstar.tasks: Re-enqueued 3 stalled emails"
    )


def test_the_offset_follows_daylight_saving_time():
    formatter = configured_formatter(settings.LOGGING)
    summer = datetime.fromisoformat("2026-07-15T14:30:00+00:00")

    assert formatter.format(record_at(summer)).startswith("2026-07-15T10:30:00.000-04:00 ")


def test_the_console_handler_uses_the_line_format():
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "line"


def test_the_gunicorn_config_file_loads_and_formats_its_logs_the_same_way():
    config = Config()
    namespace = {"__file__": str(GUNICORN_CONFIG)}
    exec(compile(GUNICORN_CONFIG.read_text(), str(GUNICORN_CONFIG), "exec"), namespace)  # noqa: S102
    for name in ("access_log_format", "logconfig_dict"):
        config.set(name, namespace[name])

    assert "%(t)s" not in config.access_log_format
    formatter = configured_formatter(config.logconfig_dict)
    assert ISO_WITH_OFFSET.match(formatter.format(record_at(datetime.now().astimezone())))
    for logger in ("gunicorn.error", "gunicorn.access"):
        assert config.logconfig_dict["loggers"][logger]["propagate"] is False


def test_gunicorn_started_with_the_config_file_logs_every_line_with_the_offset(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    output = tmp_path / "gunicorn.log"
    with output.open("wb") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                str(GUNICORN_CONFIG),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "northstar.wsgi",
            ],
            cwd=PROJECT_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until(lambda: b"Booting worker" in output.read_bytes(), timeout=30)
        with contextlib.suppress(urllib.error.HTTPError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=60)  # noqa: S310
        wait_until(lambda: b"GET /healthz" in output.read_bytes(), timeout=10)
    finally:
        server.terminate()
        server.wait(timeout=30)

    lines = output.read_text().splitlines()
    gunicorn_lines = [line for line in lines if "gunicorn." in line]
    assert any("gunicorn.access" in line and "GET /healthz" in line for line in gunicorn_lines)
    assert any("gunicorn.error" in line and "Listening at" in line for line in gunicorn_lines)
    assert all(ISO_WITH_OFFSET.match(line) for line in gunicorn_lines), lines


def test_celery_worker_and_beat_log_with_the_sites_logging():
    receivers = [receiver() for _, receiver in signals.setup_logging.receivers]
    assert configure_celery_logging in receivers
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        configure_celery_logging(loglevel=logging.INFO)
        [handler] = root.handlers
        assert isinstance(handler.formatter, Formatter)
        assert root.level == logging.INFO
    finally:
        logging.config.dictConfig(settings.LOGGING)
        root.handlers[:] = handlers
        root.setLevel(level)
