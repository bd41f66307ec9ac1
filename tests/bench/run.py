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
import sys
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPORT = BENCH_DIR.parents[1] / "docs" / "benchmarks.md"


def machine_summary():
    cpu = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    return f"{platform.machine()}, {cpu} cores, Python {platform.python_version()}"


def replace_sections(report, sections):
    """`report` with each of `sections` in place of its section of the same `## ` heading
    (up to the next `## `), or added at the end if it has none yet."""
    for section in sections:
        heading = next(line for line in section.splitlines() if line.startswith("## "))
        start = report.find(f"\n{heading}\n")
        if start == -1:
            report = report.rstrip("\n") + "\n" + section
            continue
        end = report.find("\n## ", start + 1)
        end = len(report) if end == -1 else end
        report = report[: start + 1] + section.strip("\n") + "\n" + report[end:]
    return report


def main(names=()):
    """Run every benchmark and write the report; with `names` (e.g. "campaigns"), run only
    those and rewrite only their sections of the existing report."""
    paths = sorted(BENCH_DIR.glob("bench_*.py"))
    if names:
        paths = [path for path in paths if path.stem.removeprefix("bench_") in names]
        if not paths:
            raise SystemExit(f"No tests/bench/bench_<name>.py for {' '.join(names)}")
    sections = []
    for path in paths:
        module = importlib.import_module(f"tests.bench.{path.stem}")
        print(f"Running {path.stem} ...", flush=True)
        sections.append(module.run())
    if names and REPORT.exists():
        REPORT.write_text(replace_sections(REPORT.read_text(), sections))
        print(f"Rewrote {', '.join(path.stem for path in paths)} in {REPORT}")
        return
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
    main(tuple(sys.argv[1:]))
