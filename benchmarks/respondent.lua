-- wrk script for benchmarks/bench_respondent.py: one respondent per request.
--
-- wrk -s respondent.lua URL -- FILE MODE PATH THREADS [ACCEPT_ENCODING]
--   FILE  lines of "<name=value of the session cookie> <url-encoded csrf token>[ calm]", one prepared respondent
--         each; "calm" answers question 7 with 5 instead of 1 (benchmarks/bench_case_rules.py: a rule on
--         question 7 at or below 2 then fires only for the other respondents)
--   MODE  get  : GET PATH with the next respondent's cookie (the list is reused when it runs out)
--         post : POST PATH with the next respondent's cookie, 30 answers and its CSRF token;
--                every respondent posts once: when the list runs out, requests go to /exhausted
--                (a 404, counted as an error, so a short list can never pass as a fast run)
--         post-any : POST like post, reusing the list (for the bare app, which ignores the cookie)
-- Each wrk thread takes every THREADS-th line, so no two threads share a respondent.
-- done() prints one JSON line the Python script reads.

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  local file, nthreads = args[1], tonumber(args[4])
  mode, path, encoding = args[2], args[3], args[5]
  entries, index = {}, 0
  local number = 0
  for line in io.lines(file) do
    if number % nthreads == id then
      local cookie, csrf, calm = line:match("^(%S+) (%S+) ?(%S*)$")
      table.insert(entries, {cookie = cookie, csrf = csrf, calm = (calm == "calm")})
    end
    number = number + 1
  end
  local answers = {}
  for q = 1, 30 do answers[q] = "a_Q" .. q .. "=" .. ((q % 7) + 1) end
  answers_body = table.concat(answers, "&") .. "&move=next&csrf_token="
  answers[7] = "a_Q7=5"
  calm_body = table.concat(answers, "&") .. "&move=next&csrf_token="
end

function request()
  index = index + 1
  local entry = entries[index]
  if entry == nil and mode ~= "post" then
    index, entry = 1, entries[1]
  end
  if entry == nil then
    return wrk.format("GET", "/exhausted")
  end
  local headers = {["Cookie"] = entry.cookie}
  if encoding ~= nil and encoding ~= "" then headers["Accept-Encoding"] = encoding end
  if mode ~= "get" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return wrk.format("POST", path, headers, (entry.calm and calm_body or answers_body) .. entry.csrf)
  end
  return wrk.format("GET", path, headers)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "status_errors": %d, "connect_errors": %d, "read_errors": %d, "write_errors": %d, ' ..
    '"timeouts": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, errors.status, errors.connect, errors.read, errors.write,
    errors.timeout))
end
