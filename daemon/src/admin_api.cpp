#include "muster/daemon/admin_api.hpp"

#include "muster/core/error.hpp"

namespace muster::daemon {

namespace {

constexpr std::int64_t defaultPageSize = 50;
constexpr std::int64_t maxPageSize = 200;

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

}  // namespace

void addAdminRoute(ServerContext& context, const char* method, const char* pattern,
                   AdminAction action) {
    context.router.add(method, pattern, Access::token, [&context, action](HttpRequest& request) {
        return action(context, request);
    });
}

void requireAdmin(const Principal& caller) {
    requireScope(caller, {TokenScope::admin, TokenScope::operator_});
}

Id pathId(const HttpRequest& request, const char* name, const char* what) {
    const std::string& text = request.pathParam(name);
    try {
        std::size_t used = 0;
        long long id = std::stoll(text, &used);
        if (used == text.size() && id > 0) return id;
    } catch (const std::exception&) {
        // not a number: answered as not found below
    }
    throw Error(ErrorCode::not_found, std::string("no ") + what + " with id " + text);
}

query::ListQuery listQueryOf(const HttpRequest& request) {
    query::ListQuery query;
    query.cursorPaging = true;
    query.count = defaultPageSize;
    if (std::optional<std::string> limit = request.queryParam("limit")) {
        std::int64_t value = 0;
        try {
            std::size_t used = 0;
            value = std::stoll(*limit, &used);
            if (used != limit->size()) value = 0;
        } catch (const std::exception&) {
            value = 0;
        }
        if (value < 1 || value > maxPageSize) {
            throw Error(ErrorCode::invalid_input,
                        "limit must be a whole number from 1 to " + std::to_string(maxPageSize),
                        "limit");
        }
        query.count = value;
    }
    if (std::optional<std::string> cursor = request.queryParam("cursor")) {
        if (!cursor->empty()) query.cursor = *cursor;
    }
    return query;
}

nlohmann::json pageJson(nlohmann::json items, const std::optional<std::string>& nextCursor) {
    return {{"items", std::move(items)},
            {"nextCursor", nextCursor ? nlohmann::json(*nextCursor) : nlohmann::json(nullptr)}};
}

nlohmann::json userReferenceJson(Transaction& tx, Id tenantId, Id userId) {
    std::optional<User> user = tx.users().findById(tenantId, userId);
    if (!user) return {{"id", userId}, {"display", deletedUserDisplay(userId)}, {"deleted", true}};
    const std::string display = user->displayName.empty() ? user->userName : user->displayName;
    return {{"id", userId}, {"display", display}, {"deleted", false}};
}

std::optional<bool> optionalBool(const nlohmann::json& object, const char* key) {
    auto found = object.find(key);
    if (found == object.end() || found->is_null()) return std::nullopt;
    if (!found->is_boolean()) {
        throw Error(ErrorCode::invalid_input, std::string(key) + ": expected true or false", key);
    }
    return found->get<bool>();
}

std::optional<std::vector<std::string>> optionalStrings(const nlohmann::json& object,
                                                        const char* key) {
    auto found = object.find(key);
    if (found == object.end() || found->is_null()) return std::nullopt;
    if (!found->is_array()) {
        throw Error(ErrorCode::invalid_input, std::string(key) + ": expected a list of strings",
                    key);
    }
    std::vector<std::string> values;
    for (const nlohmann::json& item : *found) {
        if (!item.is_string()) {
            throw Error(ErrorCode::invalid_input,
                        std::string(key) + ": expected a list of strings, found " + item.dump(),
                        key);
        }
        values.push_back(item.get<std::string>());
    }
    return values;
}

nlohmann::json auditEventJson(Transaction& tx, const AuditEvent& event) {
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

std::optional<Id> auditCursorOf(const query::ListQuery& query) {
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

}  // namespace muster::daemon
