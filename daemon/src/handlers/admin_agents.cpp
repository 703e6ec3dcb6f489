// Admin API for agents and devices (SPEC U-6), tracking (U-7) and data
// deletion (U-8), under /api/v1 with an admin-scoped token:
//   devices: list, get, approve, reject, assign, reassign, history; licences
//   logon domain -> email domain mappings used by check-ins
//   tracking rules, tenant exclusions; track / untrack a user
//   a user's placeholder email; historical data: count, delete (single, bulk);
//   bulk removal of user records

#include <nlohmann/json.hpp>

#include "admin_user_json.hpp"
#include "agent_json.hpp"
#include "muster/core/error.hpp"
#include "muster/daemon/admin_api.hpp"
#include "muster/daemon/errors.hpp"
#include "muster/daemon/json_body.hpp"
#include "muster/daemon/routes.hpp"

namespace muster::daemon {

namespace {

using nlohmann::json;

// ?limit= and ?cursor= (the last id of the previous page).
struct IdPage {
    std::int64_t limit = 50;
    std::optional<Id> afterId;
};

IdPage idPageOf(const HttpRequest& request) {
    const query::ListQuery query = listQueryOf(request);  // validates limit
    IdPage page;
    page.limit = query.count;
    if (query.cursor) {
        page.afterId = parsePositiveId(*query.cursor);
        if (!page.afterId) {
            throw Error(ErrorCode::invalid_cursor, "cursor: not one this server issued", "cursor");
        }
    }
    return page;
}

template <typename T, typename IdOf>
std::optional<std::string> nextCursorOf(const std::vector<T>& items, std::int64_t limit,
                                        IdOf idOf) {
    if (items.empty() || static_cast<std::int64_t>(items.size()) < limit) return std::nullopt;
    return std::to_string(idOf(items.back()));
}

json deviceWithUser(Transaction& tx, const Device& device) {
    json out = deviceJson(device);
    out["user"] =
        device.userId ? userReferenceJson(tx, device.tenantId, *device.userId) : json(nullptr);
    return out;
}

HttpResponse deviceResponse(ServerContext& context, const Device& device) {
    auto tx = context.store.beginRead();
    return HttpResponse::json(200, deviceWithUser(*tx, device).dump());
}

HttpResponse userResponse(ServerContext& context, const User& user) {
    auto tx = context.store.beginRead();
    return HttpResponse::json(200, adminUserJson(*tx, user).dump());
}

Id userIdMember(const json& body, const char* key) {
    auto found = body.find(key);
    if (found == body.end() || !found->is_number_integer() || found->get<Id>() <= 0) {
        throw Error(ErrorCode::invalid_input, std::string(key) + ": a user id is required", key);
    }
    return found->get<Id>();
}

// --- devices ---

HttpResponse listDevices(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    const IdPage page = idPageOf(request);
    DeviceFilter filter;
    filter.limit = page.limit;
    filter.afterId = page.afterId;
    if (std::optional<std::string> status = request.queryParam("status")) {
        filter.status = parseDeviceStatus(*status);
        if (!filter.status) {
            throw Error(ErrorCode::invalid_input, "status: expected pending, approved or rejected",
                        "status");
        }
    }
    if (std::optional<std::string> userId = request.queryParam("userid")) {
        filter.userId = parsePositiveId(*userId);
        if (!filter.userId) throw Error(ErrorCode::invalid_input, "userId: a user id", "userId");
    }
    const std::vector<Device> devices = context.agents.list(request.caller(), filter);
    auto tx = context.store.beginRead();
    json items = json::array();
    for (const Device& device : devices) items.push_back(deviceWithUser(*tx, device));
    return HttpResponse::json(
        200,
        pageJson(items, nextCursorOf(devices, page.limit, [](const Device& d) { return d.id; }))
            .dump());
}

HttpResponse getDevice(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    return deviceResponse(context,
                          context.agents.get(request.caller(), pathId(request, "id", "device")));
}

HttpResponse approveDevice(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    return deviceResponse(
        context, context.agents.approve(request.caller(), pathId(request, "id", "device")));
}

HttpResponse rejectDevice(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    return deviceResponse(context,
                          context.agents.reject(request.caller(), pathId(request, "id", "device")));
}

HttpResponse assignDevice(ServerContext& context, HttpRequest& request, bool reassign) {
    requireAdmin(request.caller());
    const Id id = pathId(request, "id", "device");
    const Id userId = userIdMember(parseJsonObject(request.body), "userId");
    return deviceResponse(context, context.agents.assign(request.caller(), id, userId, reassign));
}

HttpResponse deviceHistory(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    const std::vector<DeviceAssignment> history =
        context.agents.history(request.caller(), pathId(request, "id", "device"));
    auto tx = context.store.beginRead();
    const Id tenantId = request.caller().tenantId;
    auto reference = [&](const std::optional<Id>& userId) {
        return userId ? userReferenceJson(*tx, tenantId, *userId) : json(nullptr);
    };
    json items = json::array();
    for (const DeviceAssignment& change : history) {
        items.push_back({{"id", change.id},
                         {"from", reference(change.fromUserId)},
                         {"to", reference(change.toUserId)},
                         {"reason", change.reason},
                         {"actor", change.actor},
                         {"at", formatTimestamp(change.occurredAt)}});
    }
    return HttpResponse::json(200, json{{"items", items}}.dump());
}

HttpResponse licenses(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    const DeviceCounts counts = context.agents.counts(request.caller());
    // Licensing counts approved agents, not users (SPEC U-6).
    const json body = {{"licensedAgents", counts.approved},
                       {"devices",
                        {{"pending", counts.pending},
                         {"approved", counts.approved},
                         {"rejected", counts.rejected}}}};
    return HttpResponse::json(200, body.dump());
}

// --- logon domains ---

json mappingJson(const LogonDomainMapping& mapping) {
    return {{"logonDomain", mapping.logonDomain}, {"emailDomains", mapping.emailDomains}};
}

HttpResponse listLogonDomains(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    json items = json::array();
    for (const LogonDomainMapping& mapping : context.agents.logonDomains(request.caller())) {
        items.push_back(mappingJson(mapping));
    }
    return HttpResponse::json(200, json{{"items", items}}.dump());
}

HttpResponse putLogonDomain(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    const json body = parseJsonObject(request.body);
    std::optional<std::vector<std::string>> domains = optionalStrings(body, "emailDomains");
    if (!domains || domains->empty()) {
        throw Error(ErrorCode::invalid_input,
                    "emailDomains: a non-empty list (DELETE removes the mapping)", "emailDomains");
    }
    const LogonDomainMapping stored = context.agents.setLogonDomain(
        request.caller(), {request.pathParam("logonDomain"), *domains});
    return HttpResponse::json(200, mappingJson(stored).dump());
}

HttpResponse deleteLogonDomain(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    const std::string logonDomain = request.pathParam("logonDomain");
    auto known = context.agents.logonDomains(request.caller());
    auto same = [&](const LogonDomainMapping& m) {
        return policies::foldCase(m.logonDomain) == policies::foldCase(logonDomain);
    };
    if (std::none_of(known.begin(), known.end(), same)) {
        throw Error(ErrorCode::not_found, "no mapping for logon domain \"" + logonDomain + "\"");
    }
    context.agents.setLogonDomain(request.caller(), {logonDomain, {}});
    return HttpResponse::noContent();
}

// --- tracking ---

HttpResponse listRules(ServerContext& context, HttpRequest& request, RuleKind kind) {
    requireAdmin(request.caller());
    const IdPage page = idPageOf(request);
    RuleFilter filter;
    filter.kind = kind;
    filter.limit = page.limit;
    filter.afterId = page.afterId;
    if (std::optional<std::string> wanted = request.queryParam("kind");
        wanted && kind == RuleKind::any) {
        if (*wanted == "user") {
            filter.kind = RuleKind::user;
        } else if (*wanted == "exclusion") {
            filter.kind = RuleKind::exclusion;
        } else {
            throw Error(ErrorCode::invalid_input, "kind: expected user or exclusion", "kind");
        }
    }
    if (std::optional<std::string> userId = request.queryParam("userid")) {
        filter.userId = parsePositiveId(*userId);
        if (!filter.userId) throw Error(ErrorCode::invalid_input, "userId: a user id", "userId");
    }
    const std::vector<TrackingRuleRecord> rules =
        context.tracking.listRules(request.caller(), filter);
    json items = json::array();
    for (const TrackingRuleRecord& rule : rules) items.push_back(ruleJson(rule));
    return HttpResponse::json(
        200, pageJson(items, nextCursorOf(rules, page.limit,
                                          [](const TrackingRuleRecord& r) { return r.id; }))
                 .dump());
}

HttpResponse addExclusion(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    const json body = parseJsonObject(request.body);
    const TrackingRuleRecord stored =
        context.tracking.addExclusion(request.caller(), optionalString(body, "username"),
                                      optionalString(body, "domain"), optionalString(body, "note"));
    HttpResponse response = HttpResponse::json(201, ruleJson(stored).dump());
    response.headers.emplace_back("Location",
                                  "/api/v1/tracking/exclusions/" + std::to_string(stored.id));
    return response;
}

HttpResponse removeExclusion(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    context.tracking.removeExclusion(request.caller(), pathId(request, "id", "exclusion"));
    return HttpResponse::noContent();
}

HttpResponse setTracked(ServerContext& context, HttpRequest& request, bool tracked) {
    requireAdmin(request.caller());
    return userResponse(context, context.tracking.setTracked(
                                     request.caller(), pathId(request, "id", "user"), tracked));
}

HttpResponse removePlaceholder(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    return userResponse(
        context, context.agents.removePlaceholder(request.caller(), pathId(request, "id", "user")));
}

// --- data deletion (SPEC U-8) ---

HttpResponse historicalDataCount(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    const Id userId = pathId(request, "id", "user");
    const std::int64_t records = context.dataDeletion.historicalDataCount(request.caller(), userId);
    return HttpResponse::json(200, json{{"userId", userId}, {"records", records}}.dump());
}

// The single deletion is confirmed by repeating the user's userName (or,
// for a user whose record is already removed, its id), as DELETE
// /api/v1/users/{id} is.
void requireSingleConfirmation(ServerContext& context, const HttpRequest& request, Id userId) {
    const std::string confirm = optionalString(parseJsonObject(request.body), "confirm");
    std::string expected = std::to_string(userId);
    {
        auto tx = context.store.beginRead();
        if (std::optional<User> user = tx->users().findById(request.caller().tenantId, userId)) {
            expected = user->userName;
        }
    }
    if (confirm.empty() || confirm != expected) {
        throw Error(ErrorCode::invalid_input,
                    "confirm: deleting historical data is permanent; send {\"confirm\": <the "
                    "user's userName>} (the user id when the user record is already removed)",
                    "confirm");
    }
}

HttpResponse deleteHistoricalData(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    const Id userId = pathId(request, "id", "user");
    // Not found (another tenant's user, or no such user and no data) before
    // anything about the confirmation.
    context.dataDeletion.historicalDataCount(request.caller(), userId);
    requireSingleConfirmation(context, request, userId);
    const std::int64_t deleted =
        context.dataDeletion.deleteHistoricalData(request.caller(), userId);
    return HttpResponse::json(200, json{{"userId", userId}, {"deletedRecords", deleted}}.dump());
}

// Bulk actions are confirmed by stating how many users they cover.
std::vector<Id> confirmedUserIds(const HttpRequest& request, const char* what) {
    const json body = parseJsonObject(request.body);
    auto ids = body.find("userIds");
    if (ids == body.end() || !ids->is_array()) {
        throw Error(ErrorCode::invalid_input, "userIds: a list of user ids is required", "userIds");
    }
    if (ids->size() > maxBulkUsers) {
        throw Error(ErrorCode::invalid_input,
                    "userIds: at most " + std::to_string(maxBulkUsers) + " users at a time",
                    "userIds");
    }
    std::vector<Id> userIds;
    for (const json& id : *ids) {
        if (!id.is_number_integer() || id.get<Id>() <= 0) {
            throw Error(ErrorCode::invalid_input, "userIds: " + id.dump() + " is not a user id",
                        "userIds");
        }
        if (std::find(userIds.begin(), userIds.end(), id.get<Id>()) == userIds.end()) {
            userIds.push_back(id.get<Id>());
        }
    }
    auto confirm = body.find("confirm");
    if (confirm == body.end() || !confirm->is_number_integer() ||
        confirm->get<std::int64_t>() != static_cast<std::int64_t>(userIds.size())) {
        throw Error(ErrorCode::invalid_input,
                    std::string("confirm: ") + what +
                        " is permanent; send {\"confirm\": N} with N the number of distinct "
                        "userIds (" +
                        std::to_string(userIds.size()) + ")",
                    "confirm");
    }
    return userIds;
}

HttpResponse bulkResponse(const std::vector<BulkOutcome>& outcomes, bool withRecords) {
    json results = json::array();
    std::int64_t done = 0;
    for (const BulkOutcome& outcome : outcomes) {
        json item = {{"userId", outcome.userId}, {"status", outcome.done ? "done" : "failed"}};
        if (outcome.done) {
            ++done;
            if (withRecords) item["deletedRecords"] = outcome.deletedRecords;
        } else if (outcome.error) {
            item["error"] = {{"status", httpStatusOf(outcome.error->code())},
                             {"detail", outcome.error->what()}};
        }
        results.push_back(std::move(item));
    }
    const json body = {{"results", results},
                       {"done", done},
                       {"failed", static_cast<std::int64_t>(outcomes.size()) - done}};
    return HttpResponse::json(200, body.dump());
}

HttpResponse bulkDeleteHistoricalData(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    const std::vector<Id> userIds = confirmedUserIds(request, "deleting historical data");
    return bulkResponse(context.dataDeletion.deleteHistoricalData(request.caller(), userIds), true);
}

HttpResponse bulkRemoveUsers(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    const std::vector<Id> userIds = confirmedUserIds(request, "removing users");
    return bulkResponse(context.dataDeletion.removeUsers(request.caller(), userIds), false);
}

using Action = HttpResponse (*)(ServerContext&, HttpRequest&);

void route(ServerContext& context, const char* method, const char* pattern, Action action) {
    context.router.add(method, pattern, Access::token, [&context, action](HttpRequest& request) {
        return action(context, request);
    });
}

}  // namespace

void registerAdminAgentRoutes(ServerContext& context) {
    route(context, "GET", "/api/v1/devices", listDevices);
    route(context, "GET", "/api/v1/devices/{id}", getDevice);
    route(context, "POST", "/api/v1/devices/{id}/approve", approveDevice);
    route(context, "POST", "/api/v1/devices/{id}/reject", rejectDevice);
    route(context, "POST", "/api/v1/devices/{id}/assign",
          [](ServerContext& c, HttpRequest& r) { return assignDevice(c, r, false); });
    route(context, "POST", "/api/v1/devices/{id}/reassign",
          [](ServerContext& c, HttpRequest& r) { return assignDevice(c, r, true); });
    route(context, "GET", "/api/v1/devices/{id}/history", deviceHistory);
    route(context, "GET", "/api/v1/licenses", licenses);

    route(context, "GET", "/api/v1/logon-domains", listLogonDomains);
    route(context, "PUT", "/api/v1/logon-domains/{logonDomain}", putLogonDomain);
    route(context, "DELETE", "/api/v1/logon-domains/{logonDomain}", deleteLogonDomain);

    route(context, "GET", "/api/v1/tracking/rules",
          [](ServerContext& c, HttpRequest& r) { return listRules(c, r, RuleKind::any); });
    route(context, "GET", "/api/v1/tracking/exclusions",
          [](ServerContext& c, HttpRequest& r) { return listRules(c, r, RuleKind::exclusion); });
    route(context, "POST", "/api/v1/tracking/exclusions", addExclusion);
    route(context, "DELETE", "/api/v1/tracking/exclusions/{id}", removeExclusion);
    route(context, "POST", "/api/v1/users/{id}/track",
          [](ServerContext& c, HttpRequest& r) { return setTracked(c, r, true); });
    route(context, "POST", "/api/v1/users/{id}/untrack",
          [](ServerContext& c, HttpRequest& r) { return setTracked(c, r, false); });
    route(context, "DELETE", "/api/v1/users/{id}/placeholder-email", removePlaceholder);

    route(context, "GET", "/api/v1/users/{id}/historical-data", historicalDataCount);
    route(context, "POST", "/api/v1/users/{id}/historical-data/delete", deleteHistoricalData);
    route(context, "POST", "/api/v1/users/historical-data/delete", bulkDeleteHistoricalData);
    route(context, "POST", "/api/v1/users/remove", bulkRemoveUsers);
}

}  // namespace muster::daemon
