// Admin API for users (SPEC U-1 ... U-5, T-3): /api/v1/users

#include <nlohmann/json.hpp>

#include "admin_user_json.hpp"
#include "muster/auth/sign_in.hpp"
#include "muster/core/error.hpp"
#include "muster/daemon/admin_api.hpp"
#include "muster/daemon/json_body.hpp"
#include "muster/daemon/routes.hpp"

namespace muster::daemon {

namespace {

using query::Condition;
using query::ConditionPtr;

ConditionPtr compare(std::string field, query::CompareOp op, std::string value) {
    auto condition = std::make_shared<Condition>();
    condition->field = std::move(field);
    condition->op = op;
    condition->value = std::move(value);
    return condition;
}

ConditionPtr combine(Condition::Kind kind, std::vector<ConditionPtr> children) {
    if (children.empty()) return nullptr;
    if (children.size() == 1) return children.front();
    auto condition = std::make_shared<Condition>();
    condition->kind = kind;
    condition->children = std::move(children);
    return condition;
}

// `q` searches names, userName and emails (SPEC U-5).
ConditionPtr searchCondition(const std::string& text) {
    std::vector<ConditionPtr> any;
    for (const char* field :
         {"userName", "displayName", "name.givenName", "name.familyName", "emails.value"}) {
        any.push_back(compare(field, query::CompareOp::co, text));
    }
    return combine(Condition::Kind::any, std::move(any));
}

constexpr std::size_t maxFilterValueLength = 256;

std::optional<std::string> filterValue(const HttpRequest& request, const char* param) {
    std::optional<std::string> value = request.queryParam(param);
    if (!value || value->empty()) return std::nullopt;
    if (value->size() > maxFilterValueLength) {
        throw Error(ErrorCode::invalid_input,
                    std::string(param) + " is longer than 256 characters", param);
    }
    return value;
}

// Every list filter except status: the header counts are per status.
ConditionPtr filterWithoutStatus(const HttpRequest& request) {
    std::vector<ConditionPtr> all;
    if (auto q = filterValue(request, "q")) all.push_back(searchCondition(*q));
    static const std::pair<const char*, const char*> exactFilters[] = {
        {"role", "roles"}, {"department", "department"}, {"section", "section"}, {"team", "team"},
        {"tag", "tags"},
    };
    for (const auto& [param, field] : exactFilters) {
        if (auto value = filterValue(request, param)) {
            all.push_back(compare(field, query::CompareOp::eq, *value));
        }
    }
    return combine(Condition::Kind::all, std::move(all));
}

std::optional<query::SortKey> sortOf(const HttpRequest& request) {
    static const std::map<std::string, std::string> sortable = {
        {"name", "displayName"},    {"username", "userName"},     {"role", "roleRank"},
        {"title", "title"},         {"department", "department"}, {"created", "meta.created"},
        {"lastlogin", "lastLogin"},
    };
    std::optional<std::string> sort = request.queryParam("sort");
    if (!sort || sort->empty()) return std::nullopt;
    auto found = sortable.find(lowerAscii(*sort));
    if (found == sortable.end()) {
        throw Error(ErrorCode::invalid_input,
                    "sort: \"" + *sort +
                        "\" is not one of name, userName, role, title, department, created, "
                        "lastLogin",
                    "sort");
    }
    const std::string order = request.queryParam("order").value_or("asc");
    if (order != "asc" && order != "desc") {
        throw Error(ErrorCode::invalid_input, "order: expected asc or desc", "order");
    }
    return query::SortKey{found->second, order == "desc"};
}

HttpResponse listUsers(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    const Principal& caller = request.caller();
    const ConditionPtr base = filterWithoutStatus(request);
    query::ListQuery query = listQueryOf(request);
    query.sort = sortOf(request);
    query.filter = base;
    if (auto status = request.queryParam("status"); status && !status->empty()) {
        if (!parseUserStatus(*status)) {
            throw Error(ErrorCode::invalid_input, "status: expected invited, active or deactivated",
                        "status");
        }
        ConditionPtr byStatus = compare("status", query::CompareOp::eq, *status);
        query.filter = base ? combine(Condition::Kind::all, {base, byStatus}) : byStatus;
    }
    const Page<User> page = context.users.list(caller, query);
    const UserCounts counts = context.users.counts(caller, base);

    auto tx = context.store.beginRead();
    nlohmann::json items = nlohmann::json::array();
    for (const User& user : page.items) items.push_back(adminUserJson(*tx, user));
    nlohmann::json body = pageJson(std::move(items), page.nextCursor);
    body["counts"] = {{"active", counts.active},
                      {"invited", counts.invited},
                      {"deactivated", counts.deactivated},
                      {"all", counts.all}};
    return HttpResponse::json(200, body.dump());
}

HttpResponse userResponse(ServerContext& context, const User& user, int status = 200) {
    auto tx = context.store.beginRead();
    HttpResponse response = HttpResponse::json(status, adminUserJson(*tx, user).dump());
    response.headers.emplace_back("ETag", "W/\"" + std::to_string(user.version) + "\"");
    if (status == 201) {
        response.headers.emplace_back("Location", "/api/v1/users/" + std::to_string(user.id));
    }
    return response;
}

std::optional<std::int64_t> ifMatchVersion(const HttpRequest& request) {
    std::optional<std::string> header = request.header("if-match");
    if (!header || *header == "*") return std::nullopt;
    std::string text = *header;
    if (text.rfind("W/", 0) == 0) text = text.substr(2);
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
        text = text.substr(1, text.size() - 2);
    }
    try {
        std::size_t used = 0;
        std::int64_t version = std::stoll(text, &used);
        if (used == text.size()) return version;
    } catch (const std::exception&) {
        // falls through to the error below
    }
    throw Error(ErrorCode::invalid_input, "If-Match: expected an ETag such as W/\"3\"", "If-Match");
}

// "temporaryPassword": true generates one, a string sets that one; either
// way the user must change it at the first sign-in (SPEC U-4).
std::optional<std::string> temporaryPasswordOf(nlohmann::json& body) {
    auto found = body.find("temporaryPassword");
    if (found == body.end()) return std::nullopt;
    std::optional<std::string> password;
    if (found->is_boolean() && found->get<bool>()) {
        password = auth::Credentials::generateTemporaryPassword();
    } else if (found->is_string()) {
        password = found->get<std::string>();
    } else if (!(found->is_boolean() || found->is_null())) {
        throw Error(ErrorCode::invalid_input,
                    "temporaryPassword: true to generate one, or the password itself",
                    "temporaryPassword");
    }
    body.erase(found);
    return password;
}

HttpResponse createUser(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    nlohmann::json body = parseJsonObject(request.body);
    const bool generated = body.value("temporaryPassword", nlohmann::json()).is_boolean();
    const std::optional<std::string> password = temporaryPasswordOf(body);
    User user;
    applyUserJson(body, user, true);
    AlongWithCreate setPassword;
    if (password) {
        setPassword = [&](Transaction& tx, const User& created) {
            context.auth->signIn.credentials().setTemporaryPassword(tx, created.tenantId,
                                                                   created.id, *password);
        };
    }
    const User created = context.users.create(request.caller(), user, setPassword);
    HttpResponse response = userResponse(context, created, 201);
    if (password && generated) {
        // The only time it is shown: the admin hands it over.
        nlohmann::json answer = nlohmann::json::parse(response.body);
        answer["temporaryPassword"] = *password;
        response.body = answer.dump();
        response.headers.emplace_back("Cache-Control", "no-store");
    }
    return response;
}

HttpResponse getUser(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    return userResponse(context,
                        context.users.get(request.caller(), pathId(request, "id", "user")));
}

HttpResponse editUser(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    const nlohmann::json body = parseJsonObject(request.body);
    const Id id = pathId(request, "id", "user");
    User after = context.users.change(request.caller(), id, ifMatchVersion(request), "user.update",
                                      [&](User& user) { applyUserJson(body, user, false); });
    return userResponse(context, after);
}

// SPEC U-3 / U-8: only an inactive user, and only with the user's userName
// typed as confirmation, since the removal is permanent.
HttpResponse deleteUser(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    const Id id = pathId(request, "id", "user");
    const User user = context.users.get(request.caller(), id);
    if (request.queryParam("confirm").value_or("") != user.userName) {
        throw Error(ErrorCode::invalid_input,
                    "confirm: deleting a user is permanent; repeat the user's userName in "
                    "?confirm=",
                    "confirm");
    }
    context.users.remove(request.caller(), id, DeletePolicy::onlyInactive, ifMatchVersion(request));
    return HttpResponse::noContent();
}

HttpResponse setRoles(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    const nlohmann::json body = parseJsonObject(request.body);
    std::optional<std::vector<std::string>> roles = optionalStrings(body, "roles");
    if (!roles)
        throw Error(ErrorCode::invalid_input, "roles: a list of role names is required", "roles");
    return userResponse(
        context, context.users.setRoles(request.caller(), pathId(request, "id", "user"), *roles));
}

HttpResponse setPrimaryGroup(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    const nlohmann::json body = parseJsonObject(request.body);
    auto found = body.find("groupId");
    if (found == body.end() || !(found->is_null() || found->is_number_integer())) {
        throw Error(ErrorCode::invalid_input,
                    "groupId: a group id, or null to derive it from the groups' goals", "groupId");
    }
    std::optional<Id> groupId;
    if (!found->is_null()) groupId = found->get<Id>();
    return userResponse(context, context.users.setPrimaryGroup(
                                     request.caller(), pathId(request, "id", "user"), groupId));
}

HttpResponse listIdentifiers(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    const User user = context.users.get(request.caller(), pathId(request, "id", "user"));
    nlohmann::json items = nlohmann::json::array();
    for (const Identifier& identifier : user.identifiers)
        items.push_back(identifierJson(identifier));
    return HttpResponse::json(
        200, nlohmann::json{{"items", items}, {"displayId", displayIdentifier(user)}}.dump());
}

bool sameIdentifier(const Identifier& a, const Identifier& b) {
    return a.kind == b.kind && equalsIgnoringCase(a.value, b.value) &&
           equalsIgnoringCase(a.logonDomain, b.logonDomain);
}

HttpResponse addIdentifier(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    const Identifier added = identifierFromJson(parseJsonObject(request.body));
    User after = context.users.change(request.caller(), pathId(request, "id", "user"), std::nullopt,
                                      "user.identifier.add",
                                      [&](User& user) { user.identifiers.push_back(added); });
    return userResponse(context, after, 201);
}

HttpResponse removeIdentifier(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    Identifier removed;
    removed.kind = parseIdentifierKind(request.queryParam("kind").value_or(""))
                       .value_or(IdentifierKind::email);
    removed.value = request.queryParam("value").value_or("");
    removed.logonDomain = request.queryParam("logondomain").value_or("");
    User after = context.users.change(
        request.caller(), pathId(request, "id", "user"), std::nullopt, "user.identifier.remove",
        [&](User& user) {
            auto& list = user.identifiers;
            auto found = std::find_if(list.begin(), list.end(), [&](const Identifier& held) {
                return sameIdentifier(held, removed);
            });
            if (found == list.end()) {
                throw Error(ErrorCode::not_found,
                            "user " + std::to_string(user.id) + " has no such identifier",
                            "identifiers");
            }
            list.erase(found);
        });
    return userResponse(context, after);
}

HttpResponse activate(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    return userResponse(context,
                        context.users.setStatus(request.caller(), pathId(request, "id", "user"),
                                                UserStatus::active));
}

HttpResponse deactivate(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    return userResponse(context,
                        context.users.setStatus(request.caller(), pathId(request, "id", "user"),
                                                UserStatus::deactivated));
}

HttpResponse ban(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    return userResponse(
        context, context.users.setBanned(request.caller(), pathId(request, "id", "user"), true));
}

HttpResponse unban(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    return userResponse(
        context, context.users.setBanned(request.caller(), pathId(request, "id", "user"), false));
}

}  // namespace

void registerAdminUserRoutes(ServerContext& context) {
    addAdminRoute(context, "GET", "/api/v1/users", listUsers);
    addAdminRoute(context, "POST", "/api/v1/users", createUser);
    addAdminRoute(context, "GET", "/api/v1/users/{id}", getUser);
    addAdminRoute(context, "PATCH", "/api/v1/users/{id}", editUser);
    addAdminRoute(context, "DELETE", "/api/v1/users/{id}", deleteUser);
    addAdminRoute(context, "PUT", "/api/v1/users/{id}/roles", setRoles);
    addAdminRoute(context, "PUT", "/api/v1/users/{id}/primary-group", setPrimaryGroup);
    addAdminRoute(context, "GET", "/api/v1/users/{id}/identifiers", listIdentifiers);
    addAdminRoute(context, "POST", "/api/v1/users/{id}/identifiers", addIdentifier);
    addAdminRoute(context, "DELETE", "/api/v1/users/{id}/identifiers", removeIdentifier);
    addAdminRoute(context, "POST", "/api/v1/users/{id}/activate", activate);
    addAdminRoute(context, "POST", "/api/v1/users/{id}/deactivate", deactivate);
    addAdminRoute(context, "POST", "/api/v1/users/{id}/ban", ban);
    addAdminRoute(context, "POST", "/api/v1/users/{id}/unban", unban);
}

}  // namespace muster::daemon
