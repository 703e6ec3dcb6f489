#pragma once

// What the SCIM endpoints share: caller check, body parsing, ETags and
// preconditions, response building.

#include <nlohmann/json.hpp>
#include <optional>

#include "muster/daemon/server_context.hpp"
#include "muster/scim/list_request.hpp"
#include "muster/scim/resource_json.hpp"

namespace muster::daemon::scim_support {

inline constexpr const char* kScimContentType = "application/scim+json";
inline constexpr const char* kScimPrefix = "/scim/v2";

// The caller, which must hold the scim or admin scope; audit source "scim".
Principal scimCaller(const HttpRequest& request);

// JSON whatever the Content-Type (some clients send none); invalid_syntax otherwise.
nlohmann::json parseBody(const HttpRequest& request);

scim::Links linksOf(const HttpRequest& request);
scim::ListLimits limitsOf(const config::Config& config);

// The path's {id}; an id that is not ours is simply not found.
Id resourceId(const HttpRequest& request, const char* resourceName);

// If-Match: the version the client expects (std::nullopt without the header
// or for "*"); a malformed value fails the precondition.
std::optional<std::int64_t> ifMatchVersion(const HttpRequest& request);
// If-None-Match lists the current version (or "*"): answer 304.
bool ifNoneMatchHits(const HttpRequest& request, std::int64_t version);
// 304 Not Modified with the current ETag.
HttpResponse notModified(std::int64_t version);

HttpResponse scimJson(int status, std::string body);
HttpResponse scimJson(int status, const nlohmann::json& body);
// A resource rendered as JSON text (scim::userToScimText …), cut down to what
// the projection asks for; unchanged, and never parsed, when it asks nothing.
std::string projected(std::string resource, const scim::Projection& projection,
                      const scim::ResourceTypeDef& type);
// One resource with its ETag, and its Location when it was created (201).
HttpResponse resourceResponse(int status, std::string resource, std::int64_t version,
                              const std::string& location);
// A ListResponse around resources already rendered: with startIndex for index
// paging, with nextCursor (when more follow) for cursor paging (RFC 9865).
std::string listResponse(const std::vector<std::string>& resources, std::int64_t totalResults,
                         const scim::ListRequest& request,
                         const std::optional<std::string>& nextCursor);

}  // namespace muster::daemon::scim_support
