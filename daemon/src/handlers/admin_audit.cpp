// Admin API for the audit log (SPEC L-1): /api/v1/audit, newest first,
// cursor-paged. Users that no longer exist show as "Deleted User (ID: n)".

#include <nlohmann/json.hpp>

#include "muster/core/error.hpp"
#include "muster/daemon/admin_api.hpp"
#include "muster/daemon/routes.hpp"

namespace muster::daemon {

namespace {

HttpResponse listAudit(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    const query::ListQuery query = listQueryOf(request);
    auto tx = context.store.beginRead();
    const Id tenantId = request.caller().tenantId;
    // One more than asked tells whether another page follows.
    std::vector<AuditEvent> events =
        tx->audit().list(tenantId, auditCursorOf(query), static_cast<std::size_t>(query.count) + 1);
    std::optional<std::string> nextCursor;
    if (events.size() > static_cast<std::size_t>(query.count)) {
        events.pop_back();
        nextCursor = std::to_string(events.back().id);
    }
    nlohmann::json items = nlohmann::json::array();
    for (const AuditEvent& event : events) items.push_back(auditEventJson(*tx, event));
    return HttpResponse::json(200, pageJson(std::move(items), nextCursor).dump());
}

}  // namespace

void registerAdminAuditRoutes(ServerContext& context) {
    context.router.add("GET", "/api/v1/audit", Access::token,
                       [&context](HttpRequest& request) { return listAudit(context, request); });
}

}  // namespace muster::daemon
