#pragma once

#include <string>
#include <string_view>

#include "muster/scim/filter.hpp"

// SCIM PATCH operation paths (RFC 7644 §3.5.2):
//   path = attrPath / valuePath [subAttr]
// e.g. `name.familyName`, `members[value eq "2819c223"]`,
// `emails[type eq "work"].value`,
// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager`.
namespace muster::scim {

struct PatchPath {
    // With a value filter, `attribute` has no subAttribute of its own.
    AttributePath attribute;
    FilterPtr valueFilter;     // null unless the path has `[filter]`
    std::string subAttribute;  // after `]` only: `emails[...].value` → "value"
};

// Throws muster::Error(ErrorCode::invalid_path) with the 1-based position and
// what was expected. The value filter follows the filter grammar and limits
// (kMaxFilterBytes, maxDepth) of parseFilter.
PatchPath parsePatchPath(std::string_view text, int maxDepth = kDefaultMaxFilterDepth);

// Canonical text, e.g. `emails[type eq "work"].value`; parses back to the same path.
std::string toString(const PatchPath& path);

}  // namespace muster::scim
