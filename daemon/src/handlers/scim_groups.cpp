// SCIM /Groups (RFC 7644 §3.3–3.6). Membership changes never read the
// member list, so a 100,000-member group patches as fast as a small one.

#include "muster/core/error.hpp"
#include "muster/daemon/routes.hpp"
#include "muster/daemon/scim_support.hpp"
#include "muster/scim/patch.hpp"

namespace muster::daemon {

namespace {

using nlohmann::json;
using namespace scim_support;

const scim::ResourceTypeDef& groupType() {
    return scim::SchemaRegistry::instance().resourceType("Group");
}

std::vector<GroupMember> membersOf(const json& body) {
    std::vector<GroupMember> members;
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (!scim::equalsIgnoreCase(it.key(), "members")) continue;
        for (const scim::MemberRef& ref : scim::membersFromScim(*it)) {
            members.push_back(GroupMember{ref.kind.value_or(GroupMember::Kind::user), ref.id, {}});
        }
    }
    return members;
}

HttpResponse groupResponse(int status, const Group& group, const HttpRequest& request,
                           const scim::Projection& projection) {
    const bool withMembers = projection.includes("members");
    const scim::Links links = linksOf(request);
    return resourceResponse(
        status,
        projected(scim::groupToScimText(group, links, withMembers), projection, groupType()),
        group.version, scim::groupLocation(group.id, links));
}

// The stored group, read with members only when the response shows them.
Group readGroup(ServerContext& context, const Principal& caller, Id id,
                const scim::Projection& projection) {
    return context.groups.get(caller, id, projection.includes("members"));
}

HttpResponse createGroup(ServerContext& context, HttpRequest& request) {
    const Principal caller = scimCaller(request);
    const json body = parseBody(request);
    Group group = scim::groupFromScim(body, Group{});
    group.members = membersOf(body);
    const Group created = context.groups.create(caller, group);
    const scim::Projection projection = scim::parseProjection(request.query);
    return groupResponse(201, readGroup(context, caller, created.id, projection), request,
                         projection);
}

HttpResponse getGroup(ServerContext& context, HttpRequest& request) {
    const Principal caller = scimCaller(request);
    const scim::Projection projection = scim::parseProjection(request.query);
    const Group group = readGroup(context, caller, resourceId(request, "group"), projection);
    if (ifNoneMatchHits(request, group.version)) return notModified(group.version);
    return groupResponse(200, group, request, projection);
}

HttpResponse listGroups(ServerContext& context, const HttpRequest& request,
                        const scim::ListRequest& list) {
    const Principal caller = scimCaller(request);
    const Page<Group> page = context.groups.list(caller, list.query);
    const scim::Links links = linksOf(request);
    std::vector<std::string> resources;
    for (const Group& group : page.items) {
        resources.push_back(projected(scim::groupToScimText(group, links, list.query.withMembers),
                                      list.projection, groupType()));
    }
    return scimJson(200, listResponse(resources, page.totalResults, list, page.nextCursor));
}

HttpResponse replaceGroup(ServerContext& context, HttpRequest& request) {
    const Principal caller = scimCaller(request);
    const Id id = resourceId(request, "group");
    const json body = parseBody(request);
    Group group = scim::groupFromScim(body, context.groups.get(caller, id, false));
    group.members = membersOf(body);
    context.groups.replace(caller, group, ifMatchVersion(request));
    const scim::Projection projection = scim::parseProjection(request.query);
    return groupResponse(200, readGroup(context, caller, id, projection), request, projection);
}

std::vector<GroupMember> asMembers(const std::vector<Id>& ids) {
    std::vector<GroupMember> members;
    for (Id id : ids) members.push_back(GroupMember{GroupMember::Kind::user, id, {}});
    return members;
}

HttpResponse patchGroup(ServerContext& context, HttpRequest& request) {
    const Principal caller = scimCaller(request);
    const Id id = resourceId(request, "group");
    const auto operations =
        scim::parsePatchRequest(parseBody(request), context.config.scim.filterMaxDepth);
    const Group stored = context.groups.get(caller, id, false);
    const scim::GroupPatch patch =
        scim::applyGroupPatch(scim::groupToScim(stored, linksOf(request), false), operations);
    const Group renamed = scim::groupFromScim(patch.group, stored);
    MembershipChange members{asMembers(patch.addMembers), asMembers(patch.removeMembers),
                             patch.removeAllMembers};
    const std::optional<std::int64_t> ifMatch = ifMatchVersion(request);
    const Group saved = context.groups.modify(caller, id, renamed.displayName, renamed.externalId,
                                              members, ifMatch);
    // RFC 7644 §3.5.2: 204 unless the client asked for attributes back.
    if (!request.queryParam("attributes") && !request.queryParam("excludedattributes")) {
        HttpResponse response = HttpResponse::noContent();
        response.headers.emplace_back("ETag", scim::etagOf(saved.version));
        return response;
    }
    const scim::Projection projection = scim::parseProjection(request.query);
    return groupResponse(200, readGroup(context, caller, id, projection), request, projection);
}

HttpResponse deleteGroup(ServerContext& context, HttpRequest& request) {
    const Principal caller = scimCaller(request);
    context.groups.remove(caller, resourceId(request, "group"), ifMatchVersion(request));
    return HttpResponse::noContent();
}

}  // namespace

void registerScimGroupRoutes(ServerContext& context) {
    const std::string base = std::string(kScimPrefix) + "/Groups";
    auto& router = context.router;
    router.add("POST", base, Access::token,
               [&context](HttpRequest& r) { return createGroup(context, r); });
    router.add("GET", base, Access::token, [&context](HttpRequest& r) {
        return listGroups(context, r,
                          scim::parseListRequest(r.query, groupType(), limitsOf(context.config)));
    });
    router.add("POST", base + "/.search", Access::token, [&context](HttpRequest& r) {
        return listGroups(
            context, r,
            scim::parseSearchRequest(parseBody(r), groupType(), limitsOf(context.config)));
    });
    router.add("GET", base + "/{id}", Access::token,
               [&context](HttpRequest& r) { return getGroup(context, r); });
    router.add("PUT", base + "/{id}", Access::token,
               [&context](HttpRequest& r) { return replaceGroup(context, r); });
    router.add("PATCH", base + "/{id}", Access::token,
               [&context](HttpRequest& r) { return patchGroup(context, r); });
    router.add("DELETE", base + "/{id}", Access::token,
               [&context](HttpRequest& r) { return deleteGroup(context, r); });
}

}  // namespace muster::daemon
