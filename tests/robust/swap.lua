-- wrk script for test_swap.py: classifies every response to the probe query as coming wholly from
-- index A (NA documents of type guidance, ids swapa/...), wholly from index B (NB documents of type
-- faq, ids swapb/...), or neither ("mixed"); wrk -s swap.lua URL -- NA NB.
-- Prints one line: "swap: from_a=N from_b=N mixed=N non200=N" and the first bad body, if any.
local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   na, nb = tonumber(args[1]), tonumber(args[2])
   from_a, from_b, mixed, non200 = 0, 0, 0, 0
   sample = ""
end

local function count(s, pattern)
   local n = 0
   for _ in string.gmatch(s, pattern) do
      n = n + 1
   end
   return n
end

function response(status, headers, body)
   if status ~= 200 then
      non200 = non200 + 1
      if sample == "" then sample = status .. " " .. body end
      return
   end
   local a = count(body, '"id":"swapa/')
   local b = count(body, '"id":"swapb/')
   local total = tonumber(string.match(body, '"total":(%d+)'))
   local guidance = tonumber(string.match(body, '"type":{"guidance":(%d+)}'))
   local faq = tonumber(string.match(body, '"type":{"faq":(%d+)}'))
   if a == na and b == 0 and total == na and guidance == na and not faq then
      from_a = from_a + 1
   elseif b == nb and a == 0 and total == nb and faq == nb and not guidance then
      from_b = from_b + 1
   else
      mixed = mixed + 1
      if sample == "" then sample = body end
   end
end

function done(summary, latency, requests)
   local a, b, m, n, s = 0, 0, 0, 0, ""
   for _, t in ipairs(threads) do
      a = a + t:get("from_a")
      b = b + t:get("from_b")
      m = m + t:get("mixed")
      n = n + t:get("non200")
      if s == "" then s = t:get("sample") end
   end
   local e = summary.errors
   io.write(string.format("swap: from_a=%d from_b=%d mixed=%d non200=%d errors=%d\n", a, b, m, n,
                          e.connect + e.read + e.write + e.status + e.timeout))
   if s ~= "" then
      io.write("swap: first bad response: " .. string.sub(s, 1, 400) .. "\n")
   end
end
