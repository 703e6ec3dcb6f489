-- GET /scim/v2/Users?filter=userName eq "load-N" for random N.
local count = tonumber(os.getenv("BENCH_USERS"))
local headers = {["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")}

function request()
  local filter = string.format('userName%%20eq%%20%%22load-%d%%22', math.random(1, count))
  return wrk.format("GET", "/scim/v2/Users?filter=" .. filter, headers)
end
