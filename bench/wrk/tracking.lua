-- GET /agent/v1/tracking?username=U&domain=D over BENCH_USERS untracked users
-- (usernames tu<N>, device logins tu<N>-d in BENCH): a third asks for a UPN's
-- username in some domain, a third for a device login in its domain, a third
-- for a username no rule names (tracked).
local users = tonumber(os.getenv("BENCH_USERS"))
local headers = {["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")}

function request()
  local n = math.random(1, users)
  local pick = math.random(1, 3)
  local path
  if pick == 1 then
    path = "/agent/v1/tracking?username=tu" .. n .. "&domain=ANYWHERE"
  elseif pick == 2 then
    path = "/agent/v1/tracking?username=tu" .. n .. "-d&domain=BENCH"
  else
    path = "/agent/v1/tracking?username=someone" .. n .. "&domain=BENCH"
  end
  return wrk.format("GET", path, headers)
end
