"""A PostgreSQL server of a test's own, which the test may stop and start again on the same port.

The suite's own PostgreSQL (tests/run_suite.sh) holds every test's database: a test that
takes PostgreSQL away starts its own instead, with the binaries in $NORTHSTAR_PG_BIN (which
run_suite.sh exports). As root, as run_suite.sh does, the server runs as the postgres user.
"""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

from .redis_server import free_port
from .waiting import wait_until

USER = "northstar"
NAME = "northstar"


class PostgresServer:
    """`postgres` on a free loopback port, its cluster in a fresh folder under /tmp (readable by
    the postgres user, which pytest's own tmp_path, mode 700 under root, is not). `url` is its
    one database, `northstar`."""

    def __init__(self):
        self.bin = Path(os.environ.get("NORTHSTAR_PG_BIN", ""))
        self.root = Path(tempfile.mkdtemp(prefix="northstar-own-pg-"))
        self.data_dir = self.root / "data"
        self.port = free_port()
        self.url = f"postgres://{USER}@127.0.0.1:{self.port}/{NAME}"

    def run(self, *command, **kwargs):
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        return subprocess.run([*as_postgres, *command], check=True, **kwargs)

    def create(self):
        """initdb, start, and create the empty database."""
        if not (self.bin / "initdb").exists():
            raise AssertionError(
                "NORTHSTAR_PG_BIN names no PostgreSQL: run the test with make test"
            )
        self.root.chmod(0o755)
        self.data_dir.mkdir()
        if os.getuid() == 0:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.data_dir, "postgres")
        self.run(
            str(self.bin / "initdb"),
            *("-D", str(self.data_dir), "-U", USER, "-A", "trust", "--no-sync", "-E", "UTF8"),
            stdout=subprocess.DEVNULL,
        )
        self.start()
        self.run(str(self.bin / "createdb"), *self.address(), "-U", USER, NAME)

    def address(self):
        return ("-h", "127.0.0.1", "-p", str(self.port))

    def start(self):
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.data_dir} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self.run(
            str(self.bin / "pg_ctl"),
            *("-D", str(self.data_dir), "-o", options, "-l", str(self.root / "pg.log"), "-w"),
            "start",
            stdout=subprocess.DEVNULL,
        )
        wait_until(self.answers, timeout=10, message="PostgreSQL to start")

    def stop(self, mode="fast"):
        """`pg_ctl stop -m fast`: every session is ended (SQLSTATE 57P01), then the server exits."""
        self.run(
            str(self.bin / "pg_ctl"),
            *("-D", str(self.data_dir), "-m", mode, "-w", "stop"),
            stdout=subprocess.DEVNULL,
        )

    def copy_database(self, source_url):
        """Load a dump of the database at `source_url` (schema and rows) into this one."""
        dump = subprocess.run(
            [str(self.bin / "pg_dump"), "--no-owner", "--no-privileges", source_url],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(
            [str(self.bin / "psql"), "-q", "-v", "ON_ERROR_STOP=1", self.url],
            input=dump,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def answers(self):
        """Whether the server takes connections (to its maintenance database, always there)."""
        try:
            url = f"postgres://{USER}@127.0.0.1:{self.port}/postgres"
            with psycopg.connect(url, connect_timeout=1) as connection:
                return connection.execute("SELECT 1").fetchone() == (1,)
        except psycopg.OperationalError:
            return False

    def remove(self):
        """Stop the server (if running) at once and delete its cluster."""
        if (self.data_dir / "postmaster.pid").exists():
            self.stop(mode="immediate")
        shutil.rmtree(self.root, ignore_errors=True)
