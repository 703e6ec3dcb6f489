// Admin API for API tokens (SPEC T-2): /api/v1/tokens

#include <nlohmann/json.hpp>

#include "muster/core/error.hpp"
#include "muster/daemon/json_body.hpp"
#include "muster/daemon/routes.hpp"

namespace muster::daemon {

namespace {

nlohmann::json optionalTime(const std::optional<Timestamp>& time) {
    return time ? nlohmann::json(formatTimestamp(*time)) : nlohmann::json(nullptr);
}

nlohmann::json tokenJson(const ApiToken& token, const std::string& tenantName) {
    nlohmann::json scopes = nlohmann::json::array();
    for (TokenScope scope : token.scopes) scopes.push_back(std::string(toString(scope)));
    return {{"id", token.id},
            {"name", token.name},
            {"tenant", tenantName},
            {"scopes", scopes},
            {"user", token.userId ? nlohmann::json(*token.userId) : nlohmann::json(nullptr)},
            {"created", formatTimestamp(token.createdAt)},
            {"lastUsed", optionalTime(token.lastUsedAt)},
            {"revoked", optionalTime(token.revokedAt)}};
}

std::vector<TokenScope> parseScopes(const nlohmann::json& body) {
    auto found = body.find("scopes");
    if (found == body.end() || !found->is_array()) {
        throw Error(ErrorCode::invalid_input,
                    "scopes: expected a list of scope names (operator, admin, scim, agent)",
                    "scopes");
    }
    std::vector<TokenScope> scopes;
    for (const nlohmann::json& item : *found) {
        std::optional<TokenScope> scope =
            item.is_string() ? parseTokenScope(item.get<std::string>()) : std::nullopt;
        if (!scope) {
            throw Error(ErrorCode::invalid_input,
                        "scopes: unknown scope " + item.dump() +
                            " (expected operator, admin, scim or agent)",
                        "scopes");
        }
        if (std::find(scopes.begin(), scopes.end(), *scope) == scopes.end()) {
            scopes.push_back(*scope);
        }
    }
    return scopes;
}

Id parseId(const std::string& text) {
    try {
        std::size_t used = 0;
        long long id = std::stoll(text, &used);
        if (used == text.size() && id > 0) return id;
    } catch (const std::exception&) {
        // not a number: fall through to the not-found answer
    }
    throw Error(ErrorCode::not_found, "no token with id " + text);
}

HttpResponse createToken(ServerContext& context, HttpRequest& request) {
    const nlohmann::json body = parseJsonObject(request.body);
    const Tenant tenant = resolveTenant(context.store, request.caller(), optionalString(body, "tenant"));
    auth::TokenRequest tokenRequest;
    tokenRequest.tenantId = tenant.id;
    tokenRequest.name = optionalString(body, "name");
    tokenRequest.scopes = parseScopes(body);
    // A token on behalf of a user acts with that user's roles (SPEC T-3).
    if (auto user = body.find("user"); user != body.end() && !user->is_null()) {
        if (!user->is_number_integer() || user->get<long long>() <= 0) {
            throw Error(ErrorCode::invalid_input, "user: expected a user id", "user");
        }
        tokenRequest.userId = user->get<Id>();
    }
    auth::IssuedToken issued = context.tokens.issue(request.caller(), tokenRequest);
    nlohmann::json answer = tokenJson(issued.token, tenant.name);
    // The only time the secret is ever shown.
    answer["token"] = issued.secret;
    HttpResponse response = HttpResponse::json(201, answer.dump());
    response.headers.emplace_back("Location", "/api/v1/tokens/" + std::to_string(issued.token.id));
    return response;
}

HttpResponse listTokens(ServerContext& context, HttpRequest& request) {
    const Tenant tenant = resolveTenant(context.store, request.caller(),
                                        request.queryParam("tenant").value_or(""));
    nlohmann::json items = nlohmann::json::array();
    for (const ApiToken& token : context.tokens.list(request.caller(), tenant.id)) {
        items.push_back(tokenJson(token, tenant.name));
    }
    return HttpResponse::json(200, nlohmann::json{{"items", items}}.dump());
}

HttpResponse revokeToken(ServerContext& context, HttpRequest& request) {
    const Tenant tenant = resolveTenant(context.store, request.caller(),
                                        request.queryParam("tenant").value_or(""));
    context.tokens.revoke(request.caller(), tenant.id, parseId(request.pathParam("id")));
    return HttpResponse::noContent();
}

}  // namespace

void registerTokenRoutes(ServerContext& context) {
    context.router.add("POST", "/api/v1/tokens", Access::token,
                       [&context](HttpRequest& request) { return createToken(context, request); });
    context.router.add("GET", "/api/v1/tokens", Access::token,
                       [&context](HttpRequest& request) { return listTokens(context, request); });
    context.router.add("DELETE", "/api/v1/tokens/{id}", Access::token,
                       [&context](HttpRequest& request) { return revokeToken(context, request); });
}

}  // namespace muster::daemon
