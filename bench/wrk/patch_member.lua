-- PATCH /scim/v2/Groups/{BENCH_GROUP}: alternately add and remove one member,
-- so the group keeps its size while every request changes it.
local group = os.getenv("BENCH_GROUP")
local member = os.getenv("BENCH_MEMBER")
local headers = {
  ["Content-Type"] = "application/scim+json",
  ["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")}
local add = true

function request()
  local op = add and "add" or "remove"
  add = not add
  local body = string.format(
    '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],' ..
    '"Operations":[{"op":"%s","path":"members","value":[{"value":"%s"}]}]}', op, member)
  return wrk.format("PATCH", "/scim/v2/Groups/" .. group, headers, body)
end
