-- wrk script for make bench: each connection cycles through the query mix of bench/queries.tsv
-- (the file named by $BENCH_QUERIES) as GET /api/search?q=... requests, starting at a different
-- place per thread so that threads do not move in lockstep. Not product code: bench/ only.
local paths = {}
local next_i = 1

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local function load(file)
  local f = assert(io.open(file, "r"), "cannot read " .. file)
  for line in f:lines() do
    local cat, q = line:match("^([^#][^\t]*)\t(.+)$")
    if q then paths[#paths + 1] = "/api/search?q=" .. urlencode(q) end
  end
  f:close()
end

load(os.getenv("BENCH_QUERIES") or "bench/queries.tsv")
local thread_no = 0

function setup(thread)
  thread:set("start", thread_no * 7)
  thread_no = thread_no + 1
end

function init(args)
  next_i = ((start or 0) % #paths) + 1
end

function request()
  local p = paths[next_i]
  next_i = next_i % #paths + 1
  return wrk.format("GET", p)
end
