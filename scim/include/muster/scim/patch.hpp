#pragma once

// SCIM PATCH (RFC 7644 §3.5.2) with the quirks of real provisioning clients:
// op names in any case ("Replace"), booleans as "True"/"False", path-less
// values with dotted or URN-qualified keys, replace through a value filter
// that matches nothing acting as add, Okta's rename carrying "id".

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "muster/core/model.hpp"
#include "muster/scim/path.hpp"
#include "muster/scim/schema.hpp"

namespace muster::scim {

struct PatchOperation {
    enum class Op { add, replace, remove };
    Op op = Op::add;
    std::optional<PatchPath> path;  // none: `value` is an object of attributes
    nlohmann::json value;           // null for remove without value
};

// Limits what a single PATCH request may ask.
inline constexpr std::size_t kMaxPatchOperations = 1000;

// Validates the PatchOp envelope (schemas, Operations) and each operation:
// Error(invalid_syntax) for a malformed body, Error(invalid_path) for a bad
// path, Error(invalid_input) for an unknown op or a missing value.
std::vector<PatchOperation> parsePatchRequest(const nlohmann::json& body, int filterMaxDepth = 32);

// Applies the operations, in order, to a resource's full SCIM representation
// and returns the result; the caller reads it back with userFromScim /
// groupFromScim. Read-only attributes (id, meta, groups, …) are refused with
// Error(mutability), except that an unchanged "id" (Okta) is ignored. An
// attribute of a known schema that the server does not store is ignored.
nlohmann::json applyPatch(nlohmann::json resource, const std::vector<PatchOperation>& operations,
                          const ResourceTypeDef& type);

// Group PATCH without reading the member list: member operations become a
// MembershipChange (by id), the rest is applied to `groupWithoutMembers`.
struct GroupPatch {
    nlohmann::json group;  // the patched group, without "members"
    std::vector<Id> addMembers;
    std::vector<Id> removeMembers;
    bool removeAllMembers = false;  // happens before addMembers
};
GroupPatch applyGroupPatch(nlohmann::json groupWithoutMembers,
                           const std::vector<PatchOperation>& operations);

}  // namespace muster::scim
