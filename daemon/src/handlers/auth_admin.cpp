// Admin actions on users' sign-in under /api/v1 (SPEC U-4, A-2 ... A-4,
// L-2, B-3): invitations (single, resend, bulk), password resets by e-mail
// or temporary password (single, bulk), reset 2FA, sessions, force logout,
// drop connection, the per-user activity log, and the tenant's sign-in
// settings ("MFA required").

#include <nlohmann/json.hpp>

#include "muster/core/error.hpp"
#include "muster/daemon/admin_api.hpp"
#include "muster/daemon/auth_services.hpp"
#include "muster/daemon/json_body.hpp"
#include "muster/daemon/routes.hpp"

namespace muster::daemon {

namespace {

using nlohmann::json;

constexpr std::size_t maxBulkUsers = 500;

Principal adminCaller(const HttpRequest& request) {
    const Principal& caller = request.caller();
    requireAdmin(caller);
    return caller;
}

json sessionJson(const SignInSession& session) {
    return {{"id", session.id},
            {"createdAt", formatTimestamp(session.createdAt)},
            {"lastSeenAt", formatTimestamp(session.lastSeenAt)},
            {"expiresAt", formatTimestamp(session.expiresAt)},
            {"sourceAddress", session.sourceAddress},
            {"userAgent", session.userAgent},
            {"mfaVerified", session.mfaVerified},
            {"restriction", session.restriction == SessionRestriction::none
                                ? json(nullptr)
                                : json(std::string(toString(session.restriction)))}};
}

HttpResponse activity(ServerContext& context, HttpRequest& request) {
    const Principal caller = adminCaller(request);
    const Id userId = pathId(request, "id", "user");
    const query::ListQuery query = listQueryOf(request);
    std::vector<AuditEvent> events = context.auth->signIn.activity(
        caller, userId, auditCursorOf(query), static_cast<std::size_t>(query.count));
    auto tx = context.store.beginRead();
    if (events.empty() && !query.cursor && !tx->users().findById(caller.tenantId, userId)) {
        throw Error(ErrorCode::not_found, "no user with id " + std::to_string(userId));
    }
    std::optional<std::string> nextCursor;
    if (events.size() > static_cast<std::size_t>(query.count)) {
        events.pop_back();
        nextCursor = std::to_string(events.back().id);
    }
    json items = json::array();
    for (const AuditEvent& event : events) items.push_back(auditEventJson(*tx, event));
    return HttpResponse::json(200, pageJson(std::move(items), nextCursor).dump());
}

HttpResponse temporaryPasswordResponse(const std::string& password) {
    HttpResponse response =
        HttpResponse::json(200, json{{"temporaryPassword", password}, {"mustChange", true}}.dump());
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
}

std::vector<Id> bulkIds(const json& body) {
    auto ids = body.find("ids");
    if (ids == body.end() || !ids->is_array() || ids->empty()) {
        throw Error(ErrorCode::invalid_input, "ids: expected a non-empty list of user ids", "ids");
    }
    if (ids->size() > maxBulkUsers) {
        throw Error(ErrorCode::too_many,
                    "ids: at most " + std::to_string(maxBulkUsers) + " users per request", "ids");
    }
    std::vector<Id> out;
    for (const json& id : *ids) {
        if (!id.is_number_integer()) {
            throw Error(ErrorCode::invalid_input, "ids: expected whole numbers", "ids");
        }
        out.push_back(id.get<Id>());
    }
    return out;
}

// Runs `action` for each id in its own transaction: one user's failure (role
// limits, no e-mail address) does not stop the others, and is reported.
template <typename Action>
HttpResponse forEachUser(const std::vector<Id>& ids, Action&& action) {
    json results = json::array();
    int succeeded = 0;
    for (Id id : ids) {
        json result = {{"id", id}};
        try {
            action(id, result);
            result["status"] = "ok";
            ++succeeded;
        } catch (const Error& error) {
            if (error.code() == ErrorCode::unavailable || error.code() == ErrorCode::internal) {
                throw;
            }
            result["status"] = "error";
            result["error"] = std::string(toString(error.code()));
            result["detail"] = error.what();
        }
        results.push_back(std::move(result));
    }
    return HttpResponse::json(200, json{{"results", results},
                                        {"succeeded", succeeded},
                                        {"failed", static_cast<int>(ids.size()) - succeeded}}
                                       .dump());
}

HttpResponse bulkInvite(ServerContext& context, HttpRequest& request) {
    const Principal caller = adminCaller(request);
    const std::vector<Id> ids = bulkIds(parseJsonObject(request.body));
    return forEachUser(ids, [&](Id id, json&) { context.auth->signIn.invite(caller, id, false); });
}

HttpResponse bulkPasswordReset(ServerContext& context, HttpRequest& request) {
    const Principal caller = adminCaller(request);
    const json body = parseJsonObject(request.body);
    const std::string method = optionalString(body, "method");
    if (method != "email" && method != "temporary") {
        throw Error(ErrorCode::invalid_input, "method: expected \"email\" or \"temporary\"",
                    "method");
    }
    const std::vector<Id> ids = bulkIds(body);
    HttpResponse response = forEachUser(ids, [&](Id id, json& result) {
        if (method == "email") {
            context.auth->signIn.sendPasswordReset(caller, id);
        } else {
            result["temporaryPassword"] = context.auth->signIn.issueTemporaryPassword(caller, id);
        }
    });
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
}

HttpResponse getSettings(ServerContext& context, HttpRequest& request) {
    const TenantSignInSettings settings = context.auth->signIn.settings(adminCaller(request));
    return HttpResponse::json(200, json{{"mfaRequired", settings.mfaRequired}}.dump());
}

HttpResponse putSettings(ServerContext& context, HttpRequest& request) {
    const Principal caller = adminCaller(request);
    const json body = parseJsonObject(request.body);
    for (const auto& [key, value] : body.items()) {
        if (key != "mfaRequired") {
            throw Error(ErrorCode::invalid_input, "unknown setting \"" + key + "\"", key);
        }
    }
    std::optional<bool> mfaRequired = optionalBool(body, "mfaRequired");
    if (!mfaRequired) {
        throw Error(ErrorCode::invalid_input, "mfaRequired is required", "mfaRequired");
    }
    TenantSignInSettings settings;
    settings.mfaRequired = *mfaRequired;
    settings = context.auth->signIn.saveSettings(caller, settings);
    return HttpResponse::json(200, json{{"mfaRequired", settings.mfaRequired}}.dump());
}

}  // namespace

void registerAuthAdminRoutes(ServerContext& context) {
    Router& router = context.router;
    auth::SignInService& signIn = context.auth->signIn;
    const std::string user = "/api/v1/users/{id}";
    // Per-user actions: 204 when done.
    auto action = [&](const std::string& path,
                      void (auth::SignInService::*call)(const Principal&, Id)) {
        router.add("POST", user + path, Access::token, [&signIn, call](HttpRequest& r) {
            (signIn.*call)(adminCaller(r), pathId(r, "id", "user"));
            return HttpResponse::noContent();
        });
    };
    router.add("POST", user + "/invite", Access::token, [&signIn](HttpRequest& r) {
        signIn.invite(adminCaller(r), pathId(r, "id", "user"), false);
        return HttpResponse::noContent();
    });
    router.add("POST", user + "/invite/resend", Access::token, [&signIn](HttpRequest& r) {
        signIn.invite(adminCaller(r), pathId(r, "id", "user"), true);
        return HttpResponse::noContent();
    });
    action("/password-reset", &auth::SignInService::sendPasswordReset);
    action("/mfa/reset", &auth::SignInService::resetMfa);
    action("/force-logout", &auth::SignInService::forceLogout);
    action("/drop-connection", &auth::SignInService::dropConnection);
    router.add("POST", user + "/temporary-password", Access::token, [&signIn](HttpRequest& r) {
        return temporaryPasswordResponse(
            signIn.issueTemporaryPassword(adminCaller(r), pathId(r, "id", "user")));
    });
    router.add("GET", user + "/sessions", Access::token, [&signIn](HttpRequest& r) {
        const Principal caller = adminCaller(r);
        const Id id = pathId(r, "id", "user");
        json items = json::array();
        for (const SignInSession& session : signIn.sessionsOf(caller, id)) {
            items.push_back(sessionJson(session));
        }
        return HttpResponse::json(
            200, json{{"items", items}, {"trustedDevices", signIn.trustedDeviceCount(caller, id)}}
                     .dump());
    });
    router.add("GET", user + "/activity", Access::token,
               [&context](HttpRequest& r) { return activity(context, r); });
    router.add("POST", "/api/v1/users/invitations", Access::token,
               [&context](HttpRequest& r) { return bulkInvite(context, r); });
    router.add("POST", "/api/v1/users/password-resets", Access::token,
               [&context](HttpRequest& r) { return bulkPasswordReset(context, r); });
    router.add("GET", "/api/v1/sign-in/settings", Access::token,
               [&context](HttpRequest& r) { return getSettings(context, r); });
    router.add("PUT", "/api/v1/sign-in/settings", Access::token,
               [&context](HttpRequest& r) { return putSettings(context, r); });
}

}  // namespace muster::daemon
