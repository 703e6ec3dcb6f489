#pragma once

// Resolves a parsed SCIM filter against a resource type's schema and turns it
// into the store-neutral query of core/query.hpp.

#include "muster/core/query.hpp"
#include "muster/scim/filter.hpp"
#include "muster/scim/schema.hpp"

namespace muster::scim {

// Throws Error(invalid_filter) for unknown attributes, attributes that cannot
// be filtered on, and operators or values that do not suit the attribute's
// type (e.g. `active gt true`, `meta.lastModified gt "yesterday"`).
query::ConditionPtr toCondition(const Node& filter, const ResourceTypeDef& type);

// Resolves a sortBy attribute to its query field; Error(invalid_value) when
// the attribute is unknown or not sortable (multi-valued or complex).
std::string sortFieldOf(const std::string& attributePath, const ResourceTypeDef& type);

}  // namespace muster::scim
