-- GET /healthz: the ceiling every other figure is compared with.
function request()
  return wrk.format("GET", "/healthz")
end
