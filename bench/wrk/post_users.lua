-- POST /scim/v2/Users with a unique userName per request.
-- thread_id is a global that setup() gives each wrk thread (a local here
-- would shadow it, and every thread would post the same names).
local counter = 0
local threads = {}
thread_id = 0

function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  local name = string.format("bench-%s-%d-%d", os.getenv("BENCH_RUN") or "r", thread_id, counter)
  local body = string.format(
    '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"%s",' ..
    '"name":{"givenName":"Bench","familyName":"User %d"},' ..
    '"emails":[{"value":"%s@bench.example","type":"work","primary":true}],"active":true}',
    name, counter, name)
  return wrk.format("POST", "/scim/v2/Users", {
    ["Content-Type"] = "application/scim+json",
    ["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")}, body)
end
