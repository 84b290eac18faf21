-- wrk script for the story benchmark: GET /api/v1/story?email=... rotating over addresses,
-- with a bearer token; optionally paced (a delay per request on each connection).
-- Arguments (after --): token file, addresses file (one per line), delay in ms (0: none).

local token, addresses, pause = nil, {}, 0
local counter = 0
local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

local function read_file(path)
  local fh = assert(io.open(path, "r"))
  local text = fh:read("*a")
  fh:close()
  return text
end

local function escape(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
  token = read_file(args[1]):gsub("%s+$", "")
  for line in read_file(args[2]):gmatch("[^\n]+") do
    addresses[#addresses + 1] = "/api/v1/story?email=" .. escape(line)
  end
  pause = tonumber(args[3] or "0") or 0
  -- threads start at different places so they do not ask for the same story in step
  counter = (id * 7919) % #addresses
end

function request()
  counter = counter % #addresses + 1
  return wrk.format("GET", addresses[counter], { ["Authorization"] = "Bearer " .. token })
end

function delay()
  return pause
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests": %d, "duration_us": %d, "connect_errors": %d, "read_errors": %d, '
      .. '"write_errors": %d, "timeouts": %d, "non_2xx": %d, "p50_us": %d, "p90_us": %d, '
      .. '"p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean))
end
