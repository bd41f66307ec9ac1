"""`make bench`: runs every `tests/bench/bench_*.py` and writes docs/benchmarks.md.

Each module has `run()` returning a Markdown section. tests/run_suite.sh has
started PostgreSQL and Redis (with production durability settings) and set
DATABASE_URL and CELERY_BROKER_URL before this runs. Every figure is reported
beside a ceiling measured in the same run, because this machine is shared.
"""

import importlib
import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPORT = BENCH_DIR.parents[1] / "docs" / "benchmarks.md"


def machine_summary():
    cpu = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    return f"{platform.machine()}, {cpu} cores, Python {platform.python_version()}"


def main():
    sections = []
    for path in sorted(BENCH_DIR.glob("bench_*.py")):
        module = importlib.import_module(f"tests.bench.{path.stem}")
        print(f"Running {path.stem} ...", flush=True)
        sections.append(module.run())
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    header = [
        "# Benchmarks",
        "",
        f"Written by `make bench` on {when} ({machine_summary()}).",
        "The machine is shared and noisy: each figure stands beside a ceiling",
        "measured in the same run, and the ratio is what to compare between runs.",
        "",
    ]
    if not sections:
        sections.append("No benchmarks yet: later issues add them under `tests/bench/`.\n")
    REPORT.write_text("\n".join(header) + "\n".join(sections))
    print(f"Wrote {REPORT}")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "northstar.settings")
    main()
