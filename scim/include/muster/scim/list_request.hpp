#pragma once

// SCIM list and search requests (RFC 7644 §3.4.2, §3.4.3; cursors RFC 9865)
// and attribute projection (§3.4.2.5, §3.9).

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "muster/core/query.hpp"
#include "muster/scim/schema.hpp"

namespace muster::scim {

struct ListLimits {
    int defaultCount = 100;
    int maxResults = 1000;
    int filterMaxDepth = 32;
};

// Which attributes a response carries.
struct Projection {
    std::vector<AttributePath> attributes;          // only these (plus "always" ones)
    std::vector<AttributePath> excludedAttributes;  // all but these

    // Whether `attribute` (a top-level attribute of the core schema, e.g.
    // "members") would appear in the response; lets a handler skip reading it.
    bool includes(std::string_view attribute) const;
};

struct ListRequest {
    query::ListQuery query;
    Projection projection;
    bool cursorPaging = false;  // the client sent `cursor`: answer with nextCursor
};

// From query parameters (names already lower-cased by the daemon).
ListRequest parseListRequest(const std::multimap<std::string, std::string>& params,
                             const ResourceTypeDef& type, const ListLimits& limits);
// From a POST /.search body (attribute names case-insensitive).
ListRequest parseSearchRequest(const nlohmann::json& body, const ResourceTypeDef& type,
                               const ListLimits& limits);

// attributes / excludedAttributes of a single-resource GET, POST, PUT, PATCH.
Projection parseProjection(const std::multimap<std::string, std::string>& params);

// Removes what the projection leaves out. id, schemas and meta.resourceType
// (returned "always") stay whatever is asked.
nlohmann::json project(const nlohmann::json& resource, const Projection& projection,
                       const ResourceTypeDef& type);

}  // namespace muster::scim
