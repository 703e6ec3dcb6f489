-- GET /scim/v2/Groups/{BENCH_GROUP}?excludedAttributes=members
local path = "/scim/v2/Groups/" .. os.getenv("BENCH_GROUP") .. "?excludedAttributes=members"
local headers = {["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")}

function request()
  return wrk.format("GET", path, headers)
end
