-- wrk script for tests/bench/bench_petitions.py: plain GETs, one parseable summary line.
-- No response() hook, so wrk spends no Lua time per response on the shared cores.

function done(summary, latency, requests)
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d status_errors=%d timeouts=%d "
      .. "connect_errors=%d read_errors=%d write_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.status, summary.errors.timeout, summary.errors.connect,
    summary.errors.read, summary.errors.write))
end
