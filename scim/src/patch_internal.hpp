#pragma once

// Pieces of the PATCH engine shared by its source files (patch_*.cpp).

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "muster/scim/filter.hpp"
#include "muster/scim/patch.hpp"
#include "muster/scim/schema.hpp"

namespace muster::scim::patch_detail {

// SCIM attribute names are case-insensitive (RFC 7643 §2.1), so every lookup
// in client JSON (and in resources that may have come from one) ignores case.
const nlohmann::json* findMember(const nlohmann::json& object, std::string_view name);
nlohmann::json* findMember(nlohmann::json& object, std::string_view name);
void eraseMember(nlohmann::json& object, std::string_view name);

// Value filters (`emails[type eq "work"]`) evaluated in memory against the
// elements of one multi-valued attribute. Names in the filter are that
// attribute's sub-attributes; for a multi-valued simple attribute (tags),
// "value" is the element itself.
//
// Throws Error(invalid_path) when the filter names something the elements
// cannot have, so a bad filter fails even on an empty list.
void checkValueFilter(const Node& filter, const AttributeDef& attribute);
bool matchesValueFilter(const Node& filter, const nlohmann::json& element,
                        const AttributeDef& attribute);
// The element a filter describes, from its `sub eq value` conditions joined by
// "and": what a replace through a filter that matches nothing creates.
nlohmann::json elementFromFilter(const Node& filter, const AttributeDef& attribute);

// Applies one operation to a resource's SCIM JSON (see applyPatch).
void applyOperation(nlohmann::json& resource, const PatchOperation& operation,
                    const ResourceTypeDef& type);

}  // namespace muster::scim::patch_detail
