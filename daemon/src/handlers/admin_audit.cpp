// Admin API for the audit log (SPEC L-1): /api/v1/audit, newest first,
// cursor-paged. Users that no longer exist show as "Deleted User (ID: n)".

#include <nlohmann/json.hpp>

#include "muster/core/error.hpp"
#include "muster/daemon/admin_api.hpp"
#include "muster/daemon/routes.hpp"

namespace muster::daemon {

namespace {

nlohmann::json snapshotJson(const std::optional<Snapshot>& snapshot) {
    if (!snapshot) return nullptr;
    nlohmann::json json = nlohmann::json::object();
    for (const auto& [field, value] : *snapshot) json[field] = value;
    return json;
}

// "user:7" -> the user's display, or "Deleted User (ID: 7)".
std::string actorDisplay(Transaction& tx, Id tenantId, const std::string& actorId) {
    static const std::string userPrefix = "user:";
    if (actorId.rfind(userPrefix, 0) != 0) return actorId;
    try {
        const Id id = std::stoll(actorId.substr(userPrefix.size()));
        return userReferenceJson(tx, tenantId, id)["display"].get<std::string>();
    } catch (const std::exception&) {
        return actorId;
    }
}

nlohmann::json eventJson(Transaction& tx, const AuditEvent& event) {
    std::string targetDisplay = event.targetDisplay;
    if (event.targetType == "user" && event.targetId &&
        !tx.users().findById(event.tenantId, *event.targetId)) {
        targetDisplay = deletedUserDisplay(*event.targetId);
    }
    return {
        {"id", event.id},
        {"time", formatTimestamp(event.occurredAt)},
        {"actor", event.actor.id},
        {"actorDisplay", actorDisplay(tx, event.tenantId, event.actor.id)},
        {"source", event.actor.source},
        {"sourceAddress", event.actor.sourceAddress},
        {"userAgent", event.actor.userAgent},
        {"action", event.action},
        {"targetType", event.targetType},
        {"targetId", event.targetId ? nlohmann::json(*event.targetId) : nlohmann::json(nullptr)},
        {"targetDisplay", targetDisplay},
        {"before", snapshotJson(event.before)},
        {"after", snapshotJson(event.after)}};
}

std::optional<Id> beforeIdOf(const query::ListQuery& query) {
    if (!query.cursor) return std::nullopt;
    try {
        std::size_t used = 0;
        const Id id = std::stoll(*query.cursor, &used);
        if (used == query.cursor->size() && id > 0) return id;
    } catch (const std::exception&) {
        // reported below
    }
    throw Error(ErrorCode::invalid_cursor, "cursor: not a cursor this server issued", "cursor");
}

HttpResponse listAudit(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    const query::ListQuery query = listQueryOf(request);
    auto tx = context.store.beginRead();
    const Id tenantId = request.caller().tenantId;
    // One more than asked tells whether another page follows.
    std::vector<AuditEvent> events =
        tx->audit().list(tenantId, beforeIdOf(query), static_cast<std::size_t>(query.count) + 1);
    std::optional<std::string> nextCursor;
    if (events.size() > static_cast<std::size_t>(query.count)) {
        events.pop_back();
        nextCursor = std::to_string(events.back().id);
    }
    nlohmann::json items = nlohmann::json::array();
    for (const AuditEvent& event : events) items.push_back(eventJson(*tx, event));
    return HttpResponse::json(200, pageJson(std::move(items), nextCursor).dump());
}

}  // namespace

void registerAdminAuditRoutes(ServerContext& context) {
    context.router.add("GET", "/api/v1/audit", Access::token,
                       [&context](HttpRequest& request) { return listAudit(context, request); });
}

}  // namespace muster::daemon
