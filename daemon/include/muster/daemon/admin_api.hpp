#pragma once

// Shared pieces of the JSON admin API under /api/v1: access check, ids from
// the path, cursor-paged lists ({"items": [...], "nextCursor": ...}) and the
// JSON shapes of users and groups that several endpoints return.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "muster/core/principal.hpp"
#include "muster/core/query.hpp"
#include "muster/core/store.hpp"
#include "muster/daemon/http.hpp"
#include "muster/daemon/server_context.hpp"

namespace muster::daemon {

// A handler of the admin API: a plain function of the context and request.
using AdminAction = HttpResponse (*)(ServerContext&, HttpRequest&);
// Registers `action` for method + pattern on a token-authenticated route.
void addAdminRoute(ServerContext& context, const char* method, const char* pattern,
                   AdminAction action);

// Admin API calls need the admin (or operator) scope.
void requireAdmin(const Principal& caller);

// The positive integer id in path parameter `name`; Error(not_found) naming
// `what` ("user", "group") otherwise.
Id pathId(const HttpRequest& request, const char* name, const char* what);

// `limit` (1..200, default 50) and `cursor` from the query string into a
// cursor-paged ListQuery.
query::ListQuery listQueryOf(const HttpRequest& request);

nlohmann::json pageJson(nlohmann::json items, const std::optional<std::string>& nextCursor);

// {"id": n, "display": "..."} for a user reference; a user that no longer
// exists is "Deleted User (ID: n)" (SPEC U-3).
nlohmann::json userReferenceJson(Transaction& tx, Id tenantId, Id userId);

// An audit event as the admin API shows it (the audit log, a user's
// activity): actor with a display name, source, action, target and the
// before/after snapshots; users that no longer exist show as
// "Deleted User (ID: n)".
nlohmann::json auditEventJson(Transaction& tx, const AuditEvent& event);
// The cursor of an audit listing: the id of the last event seen.
std::optional<Id> auditCursorOf(const query::ListQuery& query);

// A boolean member of a JSON object; Error(invalid_input) naming the key.
std::optional<bool> optionalBool(const nlohmann::json& object, const char* key);
// An array of strings; Error(invalid_input) naming the key.
std::optional<std::vector<std::string>> optionalStrings(const nlohmann::json& object,
                                                        const char* key);

}  // namespace muster::daemon
