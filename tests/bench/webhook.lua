-- wrk script for tests/bench/bench_webhooks.py: deliver pre-signed Stripe events, each once.
--
--   wrk -tTHREADS ... http://127.0.0.1:PORT/PATH -- PATH EVENTS_FILE THREADS
--
-- EVENTS_FILE holds one event a line, `<Stripe-Signature header><TAB><body>`
-- (tests/bench/programs/webhook_data.py). Thread t of THREADS POSTs the lines
-- t, t + THREADS, t + 2 * THREADS, ... in turn, so no event is sent twice; the
-- requests are built once, in init(), so that wrk spends no Lua time building
-- them while it measures. A handled event answers 200; anything else is counted
-- apart. A thread that has sent all its events sends its last one again and
-- counts it as `repeated` (a redelivery, which the webhook answers 200 without
-- handling): the Python side refuses a round with any, as its rate would be
-- wrong. done() prints one line that the Python side parses.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

function init(args)
  local path, events_file, thread_count = args[1], args[2], tonumber(args[3])
  requests_ = {}
  local number = 0
  for line in io.lines(events_file) do
    if number % thread_count == thread_id - 1 then
      local tab = line:find("\t", 1, true)
      local headers = {
        ["Content-Type"] = "application/json",
        ["Stripe-Signature"] = line:sub(1, tab - 1),
      }
      table.insert(requests_, wrk.format("POST", path, headers, line:sub(tab + 1)))
    end
    number = number + 1
  end
  sent = 0
  repeated = 0
  handled = 0
  other = 0
  other_statuses = ""
end

function request()
  sent = sent + 1
  if sent > #requests_ then
    repeated = repeated + 1
    return requests_[#requests_]
  end
  return requests_[sent]
end

function response(status, headers, body)
  if status == 200 then
    handled = handled + 1
  else
    other = other + 1
    if other <= 5 then
      other_statuses = other_statuses .. status .. ";"
    end
  end
end

function done(summary, latency, requests)
  local handled_total, other_total, repeated_total, statuses = 0, 0, 0, ""
  for _, thread in ipairs(threads) do
    handled_total = handled_total + thread:get("handled")
    other_total = other_total + thread:get("other")
    repeated_total = repeated_total + thread:get("repeated")
    statuses = statuses .. thread:get("other_statuses")
  end
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d status_errors=%d timeouts=%d "
      .. "connect_errors=%d read_errors=%d write_errors=%d handled=%d other=%d repeated=%d "
      .. "other_statuses=%s\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.status, summary.errors.timeout, summary.errors.connect,
    summary.errors.read, summary.errors.write, handled_total, other_total, repeated_total,
    statuses == "" and "-" or statuses))
end
