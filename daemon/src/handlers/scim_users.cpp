// SCIM /Users (RFC 7644 §3.3–3.6).

#include "muster/core/error.hpp"
#include "muster/daemon/routes.hpp"
#include "muster/daemon/scim_support.hpp"
#include "muster/scim/patch.hpp"

namespace muster::daemon {

namespace {

using nlohmann::json;
using namespace scim_support;

const scim::ResourceTypeDef& userType() {
    return scim::SchemaRegistry::instance().resourceType("User");
}

HttpResponse userResponse(int status, const User& user, const HttpRequest& request) {
    const scim::Links links = linksOf(request);
    return resourceResponse(status,
                            projected(scim::userToScimText(user, links),
                                      scim::parseProjection(request.query), userType()),
                            user.version, scim::userLocation(user.id, links));
}

HttpResponse createUser(ServerContext& context, HttpRequest& request) {
    const Principal caller = scimCaller(request);
    User user = scim::userFromScim(parseBody(request), User{});
    if (user.identityProvider == "internal") user.identityProvider = "scim";
    return userResponse(201, context.users.create(caller, user), request);
}

HttpResponse getUser(ServerContext& context, HttpRequest& request) {
    const Principal caller = scimCaller(request);
    const User user = context.users.get(caller, resourceId(request, "user"));
    if (ifNoneMatchHits(request, user.version)) return notModified(user.version);
    return userResponse(200, user, request);
}

HttpResponse listUsers(ServerContext& context, const HttpRequest& request,
                       const scim::ListRequest& list) {
    const Principal caller = scimCaller(request);
    const Page<User> page = context.users.list(caller, list.query);
    const scim::Links links = linksOf(request);
    std::vector<std::string> resources;
    for (const User& user : page.items) {
        resources.push_back(
            projected(scim::userToScimText(user, links), list.projection, userType()));
    }
    return scimJson(200, listResponse(resources, page.totalResults, list, page.nextCursor));
}

HttpResponse replaceUser(ServerContext& context, HttpRequest& request) {
    const Principal caller = scimCaller(request);
    const User stored = context.users.get(caller, resourceId(request, "user"));
    const User replaced = scim::userFromScim(parseBody(request), stored);
    return userResponse(200, context.users.replace(caller, replaced, ifMatchVersion(request)),
                        request);
}

// Whether an operation sets "active": by its path, or as a key of a
// path-less value ("active" or the attribute's full URN form).
bool setsActive(const std::vector<scim::PatchOperation>& operations) {
    auto isActive = [](std::string_view name) {
        const std::size_t colon = name.rfind(':');
        return scim::equalsIgnoreCase(
            colon == std::string_view::npos ? name : name.substr(colon + 1), "active");
    };
    for (const scim::PatchOperation& operation : operations) {
        if (operation.path) {
            if (isActive(operation.path->attribute.attribute)) return true;
        } else if (operation.value.is_object()) {
            for (auto it = operation.value.begin(); it != operation.value.end(); ++it) {
                if (isActive(it.key())) return true;
            }
        }
    }
    return false;
}

HttpResponse patchUser(ServerContext& context, HttpRequest& request) {
    const Principal caller = scimCaller(request);
    const auto operations =
        scim::parsePatchRequest(parseBody(request), context.config.scim.filterMaxDepth);
    const Id id = resourceId(request, "user");
    const std::optional<std::int64_t> ifMatch = ifMatchVersion(request);
    // Without If-Match the patch applies to whatever is current: re-read and
    // re-apply when another writer got in between (bounded).
    for (int attempt = 0;; ++attempt) {
        const User stored = context.users.get(caller, id);
        json patched =
            scim::applyPatch(scim::userToScim(stored, linksOf(request)), operations, userType());
        // An invited user shows "active": false too; a PATCH that does not
        // set it must not turn the invitation into a deactivation.
        if (!setsActive(operations)) patched.erase("active");
        const User changed = scim::userFromScim(patched, stored);
        try {
            const User saved =
                context.users.replace(caller, changed, ifMatch.value_or(stored.version));
            return userResponse(200, saved, request);
        } catch (const Error& error) {
            if (error.code() != ErrorCode::precondition_failed || ifMatch || attempt >= 3) throw;
        }
    }
}

HttpResponse deleteUser(ServerContext& context, HttpRequest& request) {
    const Principal caller = scimCaller(request);
    // The identity provider is authoritative: SCIM deletes whatever the status.
    context.users.remove(caller, resourceId(request, "user"), DeletePolicy::anyStatus,
                         ifMatchVersion(request));
    return HttpResponse::noContent();
}

}  // namespace

void registerScimUserRoutes(ServerContext& context) {
    const std::string base = std::string(kScimPrefix) + "/Users";
    auto& router = context.router;
    router.add("POST", base, Access::token,
               [&context](HttpRequest& r) { return createUser(context, r); });
    router.add("GET", base, Access::token, [&context](HttpRequest& r) {
        return listUsers(context, r,
                         scim::parseListRequest(r.query, userType(), limitsOf(context.config)));
    });
    router.add("POST", base + "/.search", Access::token, [&context](HttpRequest& r) {
        return listUsers(
            context, r,
            scim::parseSearchRequest(parseBody(r), userType(), limitsOf(context.config)));
    });
    router.add("GET", base + "/{id}", Access::token,
               [&context](HttpRequest& r) { return getUser(context, r); });
    router.add("PUT", base + "/{id}", Access::token,
               [&context](HttpRequest& r) { return replaceUser(context, r); });
    router.add("PATCH", base + "/{id}", Access::token,
               [&context](HttpRequest& r) { return patchUser(context, r); });
    router.add("DELETE", base + "/{id}", Access::token,
               [&context](HttpRequest& r) { return deleteUser(context, r); });
}

}  // namespace muster::daemon
