"""A Redis server of a test's own, which the test may stop and start again on the same port.

The suite's own Redis (tests/run_suite.sh) is shared by every test and the worker: a test
that takes Redis away starts its own instead.
"""

import contextlib
import socket
import subprocess

import redis

from .waiting import wait_until


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """`redis-server` on a free loopback port, its data in `data_dir` (append-only file on, as
    a production Redis keeps what it holds across a restart; `keep_data=False`: a Redis that
    comes back empty). `url` is its database 0; `url_of(db)` another."""

    def __init__(self, data_dir, *, keep_data=True):
        self.data_dir = data_dir
        self.keep_data = keep_data
        self.port = free_port()
        self.url = self.url_of(0)

    def url_of(self, db):
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self):
        subprocess.run(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "yes" if self.keep_data else "no",
                "--appendfsync",
                "always",
                "--daemonize",
                "yes",
                "--dir",
                str(self.data_dir),
                "--logfile",
                str(self.data_dir / "redis.log"),
            ],
            check=True,
        )
        wait_until(self.answers, timeout=10, message="Redis to start")

    def stop(self):
        """Shut Redis down (its data kept on disk); every client connection drops."""
        with contextlib.suppress(redis.exceptions.ConnectionError):  # it hangs up as it exits
            redis.Redis(port=self.port).shutdown()
        wait_until(lambda: not self.answers(), timeout=10, message="Redis to stop")

    def answers(self):
        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
        except redis.exceptions.ConnectionError:
            return False
