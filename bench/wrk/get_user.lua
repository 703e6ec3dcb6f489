-- GET /scim/v2/Users/{id} for random ids in [BENCH_MIN_ID, BENCH_MAX_ID].
local low = tonumber(os.getenv("BENCH_MIN_ID"))
local high = tonumber(os.getenv("BENCH_MAX_ID"))
local headers = {["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")}

function request()
  return wrk.format("GET", "/scim/v2/Users/" .. math.random(low, high), headers)
end
