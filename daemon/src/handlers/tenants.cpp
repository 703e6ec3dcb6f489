// Operator API for tenants (SPEC T-1): /api/v1/tenants

#include <nlohmann/json.hpp>

#include "muster/daemon/json_body.hpp"
#include "muster/daemon/routes.hpp"

namespace muster::daemon {

namespace {

nlohmann::json tenantJson(const Tenant& tenant) {
    return {{"id", tenant.id}, {"name", tenant.name}, {"created", formatTimestamp(tenant.createdAt)}};
}

}  // namespace

void registerTenantRoutes(ServerContext& context) {
    context.router.add("POST", "/api/v1/tenants", Access::token, [&context](HttpRequest& request) {
        const nlohmann::json body = parseJsonObject(request.body);
        Tenant tenant = context.tenants.create(request.caller(), optionalString(body, "name"));
        HttpResponse response = HttpResponse::json(201, tenantJson(tenant).dump());
        response.headers.emplace_back("Location", "/api/v1/tenants/" + tenant.name);
        return response;
    });
    context.router.add("GET", "/api/v1/tenants", Access::token, [&context](HttpRequest& request) {
        nlohmann::json items = nlohmann::json::array();
        for (const Tenant& tenant : context.tenants.list(request.caller())) {
            items.push_back(tenantJson(tenant));
        }
        return HttpResponse::json(200, nlohmann::json{{"items", items}}.dump());
    });
}

}  // namespace muster::daemon
