-- wrk script for tests/bench/bench_petitions.py: sign a petition, each request a new email.
--
--   wrk ... http://127.0.0.1:PORT/PATH -- PATH CSRF_TOKEN CSRF_COOKIE RUN_ID
--
-- Every POST carries the same CSRF pair (the hidden form value and the
-- csrftoken cookie from one GET) and a unique email address,
-- bench-RUN_ID-THREAD-N@example.org, sent from an IP address of its own, as
-- signers of a viral petition are: X-Forwarded-For (the bench runs gunicorn
-- with NUM_PROXIES=1, as behind a load balancer) carries an IPv6 address of
-- 2001:2::/48, the range RFC 5180 keeps for benchmarks, made from RUN_ID,
-- THREAD and N. A successful signing answers 302 to the thank-you page;
-- anything else (a re-rendered form answers 200) is counted apart, and done()
-- prints one line that the Python side parses.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

function init(args)
  sign_path, token, cookie, run_id = args[1], args[2], args[3], args[4]
  headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=" .. cookie,
  }
  run_number = 0
  for character in run_id:gmatch(".") do
    run_number = (run_number * 31 + character:byte()) % 65536
  end
  sent = 0
  signed = 0
  other = 0
  other_statuses = ""
end

function request()
  sent = sent + 1
  local body = "csrfmiddlewaretoken=" .. token
    .. "&first_name=Bench&last_name=Signer"
    .. "&email=bench-" .. run_id .. "-" .. thread_id .. "-" .. sent .. "%40example.org"
    .. "&zip_code=78701&state=&comment=Signed+by+the+benchmark&website="
  headers["X-Forwarded-For"] = string.format(
    "2001:2:0:%x:%x:%x:%x:1", run_number, thread_id, math.floor(sent / 65536), sent % 65536)
  return wrk.format("POST", sign_path, headers, body)
end

function response(status, headers, body)
  if status == 302 then
    signed = signed + 1
  else
    other = other + 1
    if other <= 5 then
      other_statuses = other_statuses .. status .. ";"
    end
  end
end

function done(summary, latency, requests)
  local signed_total, other_total, statuses = 0, 0, ""
  for _, thread in ipairs(threads) do
    signed_total = signed_total + thread:get("signed")
    other_total = other_total + thread:get("other")
    statuses = statuses .. thread:get("other_statuses")
  end
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d status_errors=%d timeouts=%d "
      .. "connect_errors=%d read_errors=%d write_errors=%d signed=%d other=%d other_statuses=%s\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.status, summary.errors.timeout, summary.errors.connect,
    summary.errors.read, summary.errors.write, signed_total, other_total,
    statuses == "" and "-" or statuses))
end
