#!/usr/bin/env bash
# Runs the suite (or, with --bench, the benchmarks) on real services:
# installs Debian's postgresql, redis-server and chromium when missing, starts
# PostgreSQL and Redis on loopback in a throwaway directory, lints, runs
# pytest, and stops what it started, also when a test fails.
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=test
if [ "${1:-}" = "--bench" ]; then MODE=--bench; shift; fi
VENV_BIN="$PWD/.venv/bin"

need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null || need+=(redis-server)
command -v chromium >/dev/null || need+=(chromium)
if [ "$MODE" = "--bench" ]; then
  command -v wrk >/dev/null || need+=(wrk)
  command -v pgbench >/dev/null || need+=(postgresql-contrib)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

# Fail early and by name when a tool the suite needs is missing, rather than in the
# middle of a test: the binaries above, and every package of requirements.txt and of
# pyproject's dev extra (each must be installed and its modules must import).
missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=("initdb (Debian's postgresql)")
for tool in redis-server redis-cli chromium; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ "$MODE" = "--bench" ]; then
  for tool in wrk pgbench; do command -v "$tool" >/dev/null || missing+=("$tool"); done
fi
[ -x "$VENV_BIN/python" ] || missing+=("$VENV_BIN/python (run: make test)")
if [ ${#missing[@]} -gt 0 ]; then
  echo "The suite needs these, and they are missing: ${missing[*]}" >&2
  exit 1
fi
"$VENV_BIN/python" - <<'PY' || exit 1
import importlib, re, sys, tomllib
from importlib import metadata

names = [re.split(r"[\[=<>~! ;]", line.strip())[0] for line in open("requirements.txt")]
names = [name for name in names if name and not name.startswith(("#", "-"))]
with open("pyproject.toml", "rb") as file:
    dev = tomllib.load(file)["project"]["optional-dependencies"]["dev"]
names += [re.split(r"[\[=<>~! ;]", requirement)[0] for requirement in dev]
modules = {}
for module, dists in metadata.packages_distributions().items():
    for dist in dists:
        modules.setdefault(metadata.distribution(dist).name.lower().replace("_", "-"), set()).add(module)
problems = []
for name in names:
    key = name.lower().replace("_", "-")
    if key not in modules:
        problems.append(f"{name} (not installed)")
        continue
    for module in sorted(modules[key]):
        if module.isidentifier() and not module.startswith("_"):
            try:
                importlib.import_module(module)
            except Exception as error:
                problems.append(f"{name}: import {module} fails ({error})")
if problems:
    sys.exit("Python packages missing or broken; run `make test` (it installs requirements.txt"
             " and the dev extra):\n  " + "\n  ".join(problems))
PY

PG_BIN=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
WORK=$(mktemp -d /tmp/northstar-test.XXXXXX)
chmod 755 "$WORK"

free_port() { "$VENV_BIN/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PG_PORT=$(free_port)
REDIS_PORT=$(free_port)

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cleanup() {
  as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1 || true
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$WORK/pg"
[ "$(id -u)" -eq 0 ] && chown postgres "$WORK" "$WORK/pg"
as_pg "$PG_BIN/initdb" -D "$WORK/pg" -U northstar -A trust --no-sync -E UTF8 >/dev/null
PG_OPTS="-c listen_addresses=127.0.0.1 -p $PG_PORT -k $WORK/pg -c max_connections=200"
if [ "$MODE" != "--bench" ]; then
  # Durability is not under test: let the suite run faster.
  PG_OPTS="$PG_OPTS -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
fi
as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -o "$PG_OPTS" -l "$WORK/pg.log" -w start >/dev/null
as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U northstar northstar

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
  --daemonize yes --dir "$WORK" --logfile "$WORK/redis.log" >/dev/null
for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

export DATABASE_URL="postgres://northstar@127.0.0.1:$PG_PORT/northstar"
export CELERY_BROKER_URL="redis://127.0.0.1:$REDIS_PORT/0"
export CACHE_URL="redis://127.0.0.1:$REDIS_PORT/1"
export NORTHSTAR_PG_BIN="$PG_BIN"
# Plain HTTP on loopback, templates rendered without collectstatic.
export HTTPS=false STATIC_MANIFEST=false SITE_URL="http://testserver"
# The suite, its worker and the benchmarks run with DEBUG off on the local test checkout,
# console or captured mail and local media: embedded defaults the settings otherwise refuse.
export ALLOW_EMBEDDED_DEFAULTS=true
export PATH="$VENV_BIN:$PATH"

if [ "$MODE" = "--bench" ]; then
  python -m tests.bench.run "$@"  # names given (e.g. campaigns): only those benchmarks
  exit 0
fi

# NORTHSTAR_SKIP_LINT=1 runs only pytest (for a few tests while other work is half done).
if [ "${NORTHSTAR_SKIP_LINT:-}" != "1" ]; then
  ruff check .
  ruff format --check .
  python manage.py makemigrations --check --dry-run >/dev/null || {
    echo "Models have changes without a migration: run manage.py makemigrations." >&2
    exit 1
  }
fi
if [ $# -gt 0 ]; then
  python -m pytest "$@"  # the tests asked for, in this one process
  exit
fi

# The whole suite in two passes, each failing the run if one of its tests fails (or if it
# ran none). First every test that shares nothing with another, in parallel workers
# (pytest-xdist; one per core, NORTHSTAR_TEST_WORKERS to choose): each has its own test
# database, Redis databases, media folder (tests/support/parallel.py), and, when its tests
# ask, its own live server, Chromium and real Celery worker. Then, in this one process, the
# few tests tests/conftest.py marks `serial`: they stop and start the suite's PostgreSQL
# and Redis, or time what they run.
WORKERS=${NORTHSTAR_TEST_WORKERS:-$(nproc)}
WORKERS=$(( WORKERS > 6 ? 6 : WORKERS ))  # tests/support/parallel.py: MAX_WORKERS
status=0
python -m pytest -p tests.support.parallel -n "$WORKERS" --dist load -m "not serial" \
  --durations=15 || status=$?
python -m pytest -m serial --durations=15 || status=$?
exit "$status"
