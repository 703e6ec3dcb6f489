-- POST /auth/v1/login for BENCH_USERS users bench-0 ... in turn, all with
-- BENCH_PASSWORD: one password hash per request.
local users = tonumber(os.getenv("BENCH_USERS") or "8")
local password = os.getenv("BENCH_PASSWORD")
local counter = 0

function request()
  counter = counter + 1
  local body = '{"userName":"bench-' .. (counter % users) .. '","password":"' .. password .. '"}'
  return wrk.format("POST", "/auth/v1/login", {["Content-Type"] = "application/json"}, body)
end
