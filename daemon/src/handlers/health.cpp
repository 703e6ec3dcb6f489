#include <nlohmann/json.hpp>

#include "muster/daemon/errors.hpp"
#include "muster/daemon/routes.hpp"

namespace muster::daemon {

void registerHealthRoutes(ServerContext& context) {
    // Liveness: the process answers. Open, so supervisors need no secret.
    context.router.add("GET", "/healthz", Access::open, [](HttpRequest&) {
        return HttpResponse::json(200, R"({"status":"ok"})");
    });

    // Readiness: the store answers a query.
    context.router.add("GET", "/readyz", Access::token, [&context](HttpRequest&) {
        if (!context.store.ping()) {
            return errorResponse(503, "the store is not reachable");
        }
        nlohmann::json body = {{"status", "ready"},
                               {"store", context.store.backendName()},
                               {"schemaVersion", context.store.schemaVersion()}};
        return HttpResponse::json(200, body.dump());
    });

    context.router.add("GET", "/metrics", Access::token, [&context](HttpRequest&) {
        HttpResponse response;
        response.contentType = "text/plain; version=0.0.4";
        response.body = context.metrics.render(context.store.poolStats(), context.inFlight.load());
        if (context.sync) response.body += context.sync->renderMetrics();
        return response;
    });
}

void registerAllRoutes(ServerContext& context) {
    registerHealthRoutes(context);
    registerTokenRoutes(context);
    registerTenantRoutes(context);
    registerScimUserRoutes(context);
    registerScimGroupRoutes(context);
    registerScimDiscoveryRoutes(context);
    registerScimBulkRoutes(context);
    registerAdminUserRoutes(context);
    registerAdminGroupRoutes(context);
    registerAdminAuditRoutes(context);
    registerAuthSignInRoutes(context);
    registerAuthAdminRoutes(context);
    registerAdminOrgRoutes(context);
    registerAgentRoutes(context);
    registerAdminAgentRoutes(context);
    registerSyncRoutes(context);
}

}  // namespace muster::daemon
