// SCIM /Me (RFC 7644 §3.11) for a signed-in user: the user resource of the
// session (or of a token issued on behalf of a user). Reading only: a user
// changing their own record is not something Muster offers over SCIM.

#include "muster/core/error.hpp"
#include "muster/daemon/auth_services.hpp"
#include "muster/daemon/errors.hpp"
#include "muster/daemon/routes.hpp"
#include "muster/daemon/scim_support.hpp"

namespace muster::daemon {

HttpResponse scimMe(ServerContext& context, HttpRequest& request) {
    const Principal& caller = request.caller();
    if (!caller.userId) {
        return errorResponse(501, "/Me needs a signed-in user; this token acts for no user");
    }
    if (request.method != "GET") {
        return errorResponse(501, "/Me is read-only here; an admin changes users through /Users");
    }
    const User user = context.users.get(caller, *caller.userId);
    if (scim_support::ifNoneMatchHits(request, user.version)) {
        return scim_support::notModified(user.version);
    }
    const auto& type = scim::SchemaRegistry::instance().resourceType("User");
    const nlohmann::json resource =
        scim::project(scim::userToScim(user, scim_support::linksOf(request)),
                      scim::parseProjection(request.query), type);
    HttpResponse response = scim_support::resourceResponse(200, resource, user.version);
    // RFC 7644 §3.11: the response names the resource /Me stands for.
    if (resource.contains("meta") && resource["meta"].contains("location")) {
        response.headers.emplace_back("Content-Location",
                                      resource["meta"]["location"].get<std::string>());
    }
    return response;
}

}  // namespace muster::daemon
