"""Programs the benchmarks run in processes of their own, one file each.

Each is run from the repository root as `python -m tests.bench.programs.<name>`
(pgbench reads `insert_one_row.sql` itself). A Python program prints one line,
a tag and JSON, that `tests/bench/bench_petitions.py` reads back.
"""
