// Admin API for groups (SPEC U-9) and the role catalogue (T-3):
// /api/v1/groups, /api/v1/roles

#include <nlohmann/json.hpp>
#include <set>

#include "muster/core/error.hpp"
#include "muster/core/role_service.hpp"
#include "muster/daemon/admin_api.hpp"
#include "muster/daemon/json_body.hpp"
#include "muster/daemon/routes.hpp"

namespace muster::daemon {

namespace {

constexpr std::size_t maxMembersPerRequest = 10'000;

nlohmann::json groupJson(Transaction& tx, const Group& group, bool withMembers) {
    nlohmann::json owners = nlohmann::json::array();
    for (Id owner : group.ownerIds) owners.push_back(userReferenceJson(tx, group.tenantId, owner));
    nlohmann::json json = {
        {"id", group.id},
        {"displayName", group.displayName},
        {"externalId", group.externalId},
        {"productiveHoursGoal", group.productiveHoursGoal
                                    ? nlohmann::json(*group.productiveHoursGoal)
                                    : nlohmann::json(nullptr)},
        {"owners", owners},
        {"created", formatTimestamp(group.createdAt)},
        {"updated", formatTimestamp(group.updatedAt)},
        {"version", group.version},
    };
    if (withMembers) {
        nlohmann::json members = nlohmann::json::array();
        for (const GroupMember& member : group.members) {
            members.push_back({{"type", member.kind == GroupMember::Kind::user ? "user" : "group"},
                               {"id", member.id},
                               {"display", member.display}});
        }
        json["members"] = members;
    }
    return json;
}

std::vector<GroupMember> membersFromJson(const nlohmann::json& body, const char* key) {
    std::vector<GroupMember> members;
    auto found = body.find(key);
    if (found == body.end()) return members;
    if (!found->is_array() || found->size() > maxMembersPerRequest) {
        throw Error(ErrorCode::invalid_input,
                    std::string(key) + ": a list of at most 10000 {\"type\", \"id\"} objects", key);
    }
    for (const nlohmann::json& item : *found) {
        const std::string type = item.is_object() ? optionalString(item, "type") : "";
        auto id = item.is_object() ? item.find("id") : item.end();
        if ((type != "user" && type != "group") || id == item.end() || !id->is_number_integer()) {
            throw Error(ErrorCode::invalid_input,
                        std::string(key) +
                            ": each member is {\"type\": \"user\"|\"group\", "
                            "\"id\": n}, found " +
                            item.dump(),
                        key);
        }
        members.push_back({type == "user" ? GroupMember::Kind::user : GroupMember::Kind::group,
                           id->get<Id>(),
                           {}});
    }
    return members;
}

GroupEdit groupEditFromJson(const nlohmann::json& body) {
    static const std::set<std::string> known = {"displayName", "productiveHoursGoal", "owners",
                                                "members"};
    for (const auto& [key, value] : body.items()) {
        if (!known.count(key)) {
            throw Error(ErrorCode::invalid_input, key + " is not a known attribute of a group",
                        key);
        }
    }
    GroupEdit edit;
    if (body.contains("displayName")) edit.displayName = optionalString(body, "displayName");
    if (auto goal = body.find("productiveHoursGoal"); goal != body.end()) {
        if (!goal->is_null() && !goal->is_number()) {
            throw Error(ErrorCode::invalid_input,
                        "productiveHoursGoal: hours per day as a number, or null",
                        "productiveHoursGoal");
        }
        edit.productiveHoursGoal =
            goal->is_null() ? std::optional<double>() : std::optional<double>(goal->get<double>());
    }
    if (auto owners = body.find("owners"); owners != body.end()) {
        if (!owners->is_array()) {
            throw Error(ErrorCode::invalid_input, "owners: a list of user ids", "owners");
        }
        std::vector<Id> ids;
        for (const nlohmann::json& owner : *owners) {
            if (!owner.is_number_integer()) {
                throw Error(ErrorCode::invalid_input, "owners: a list of user ids", "owners");
            }
            ids.push_back(owner.get<Id>());
        }
        edit.ownerIds = ids;
    }
    return edit;
}

HttpResponse groupResponse(ServerContext& context, const Group& group, int status = 200) {
    auto tx = context.store.beginRead();
    HttpResponse response =
        HttpResponse::json(status, groupJson(*tx, group, !group.members.empty()).dump());
    if (status == 201) {
        response.headers.emplace_back("Location", "/api/v1/groups/" + std::to_string(group.id));
    }
    return response;
}

HttpResponse listGroups(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    query::ListQuery query = listQueryOf(request);
    query.withMembers = false;
    if (auto q = request.queryParam("q"); q && !q->empty()) {
        auto condition = std::make_shared<query::Condition>();
        condition->field = "displayName";
        condition->op = query::CompareOp::co;
        condition->value = *q;
        query.filter = condition;
    }
    const Page<Group> page = context.groups.list(request.caller(), query);
    auto tx = context.store.beginRead();
    nlohmann::json items = nlohmann::json::array();
    for (const Group& group : page.items) items.push_back(groupJson(*tx, group, false));
    return HttpResponse::json(200, pageJson(std::move(items), page.nextCursor).dump());
}

HttpResponse getGroup(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    const bool withMembers = request.queryParam("members").value_or("true") != "false";
    const Group group =
        context.groups.get(request.caller(), pathId(request, "id", "group"), withMembers);
    auto tx = context.store.beginRead();
    return HttpResponse::json(200, groupJson(*tx, group, withMembers).dump());
}

HttpResponse createGroup(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    const nlohmann::json body = parseJsonObject(request.body);
    const GroupEdit edit = groupEditFromJson(body);
    Group group;
    group.displayName = edit.displayName.value_or("");
    group.productiveHoursGoal = edit.productiveHoursGoal.value_or(std::nullopt);
    group.ownerIds = edit.ownerIds.value_or(std::vector<Id>{});
    group.members = membersFromJson(body, "members");
    return groupResponse(context, context.groups.create(request.caller(), group), 201);
}

HttpResponse editGroup(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    const nlohmann::json body = parseJsonObject(request.body);
    if (body.contains("members")) {
        throw Error(ErrorCode::invalid_input,
                    "members: change them with POST /api/v1/groups/{id}/members", "members");
    }
    Group group = context.groups.edit(request.caller(), pathId(request, "id", "group"),
                                      groupEditFromJson(body), {}, std::nullopt);
    return groupResponse(context, group);
}

// {"add": [{"type": "user", "id": 7}], "remove": [...]}: touches only the
// members named, whatever the size of the group.
HttpResponse changeMembers(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    const nlohmann::json body = parseJsonObject(request.body);
    MembershipChange change;
    change.add = membersFromJson(body, "add");
    change.remove = membersFromJson(body, "remove");
    Group group = context.groups.edit(request.caller(), pathId(request, "id", "group"), {}, change,
                                      std::nullopt);
    return groupResponse(context, group);
}

HttpResponse deleteGroup(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    context.groups.remove(request.caller(), pathId(request, "id", "group"), std::nullopt);
    return HttpResponse::noContent();
}

nlohmann::json roleJson(const Role& role) {
    return {{"id", role.id}, {"name", role.name}, {"rank", role.rank}};
}

HttpResponse listRoles(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    RoleService roles(context.store);
    nlohmann::json items = nlohmann::json::array();
    for (const Role& role : roles.list(request.caller())) items.push_back(roleJson(role));
    return HttpResponse::json(200, nlohmann::json{{"items", items}}.dump());
}

HttpResponse defineRole(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    const nlohmann::json body = parseJsonObject(request.body);
    auto rank = body.find("rank");
    if (rank == body.end() || !rank->is_number_integer() || rank->get<std::int64_t>() < 0 ||
        rank->get<std::int64_t>() > 1'000'000) {
        throw Error(ErrorCode::invalid_input, "rank: a whole number from 0 to 1000000", "rank");
    }
    RoleService roles(context.store);
    return HttpResponse::json(
        200, roleJson(roles.define(request.caller(), request.pathParam("name"), rank->get<int>()))
                 .dump());
}

}  // namespace

void registerAdminGroupRoutes(ServerContext& context) {
    addAdminRoute(context, "GET", "/api/v1/groups", listGroups);
    addAdminRoute(context, "POST", "/api/v1/groups", createGroup);
    addAdminRoute(context, "GET", "/api/v1/groups/{id}", getGroup);
    addAdminRoute(context, "PATCH", "/api/v1/groups/{id}", editGroup);
    addAdminRoute(context, "DELETE", "/api/v1/groups/{id}", deleteGroup);
    addAdminRoute(context, "POST", "/api/v1/groups/{id}/members", changeMembers);
    addAdminRoute(context, "GET", "/api/v1/roles", listRoles);
    addAdminRoute(context, "PUT", "/api/v1/roles/{name}", defineRole);
}

}  // namespace muster::daemon
