// Group PATCH without the member list (SPEC S-4: a PATCH on a group of
// 100,000 members costs the same as on a group of 10). Member operations
// become a change by id; everything else is applied to the group's JSON.

#include <unordered_map>

#include "muster/core/error.hpp"
#include "muster/scim/patch.hpp"
#include "muster/scim/resource_json.hpp"
#include "patch_internal.hpp"

namespace muster::scim {

using nlohmann::json;
using patch_detail::eraseMember;

namespace {

// The net effect of the member operations in order: the last add or remove
// of an id wins, so addMembers and removeMembers never share an id.
class MemberEdits {
  public:
    void add(Id id) { set(id, true); }
    void remove(Id id) { set(id, false); }
    void removeAll() {
        state_.clear();
        order_.clear();
        removeAll_ = true;
    }

    void writeTo(GroupPatch& patch) const {
        patch.removeAllMembers = removeAll_;
        for (Id id : order_) {
            if (state_.at(id)) {
                patch.addMembers.push_back(id);
            } else if (!removeAll_) {  // already gone with everyone else
                patch.removeMembers.push_back(id);
            }
        }
    }

  private:
    void set(Id id, bool add) {
        auto [it, inserted] = state_.try_emplace(id, add);
        if (inserted) {
            order_.push_back(id);
        } else {
            it->second = add;
        }
    }

    std::unordered_map<Id, bool> state_;  // id → added (true) or removed (false)
    std::vector<Id> order_;               // first mention, for a stable result
    bool removeAll_ = false;
};

bool namesMembers(const AttributePath& path) {
    return equalsIgnoreCase(path.attribute, "members") &&
           (path.schemaUrn.empty() || equalsIgnoreCase(path.schemaUrn, kGroupSchema));
}

[[noreturn]] void unsupportedFilter() {
    throw Error(ErrorCode::invalid_filter,
                "on members, only `value eq \"<id>\"` (optionally joined with or) is supported",
                "members");
}

Id memberId(const std::string& text) {
    std::optional<Id> id = parseId(text);
    if (!id) {
        throw Error(ErrorCode::invalid_input,
                    "members: \"" + text + "\" is not the id of a user or group", "members");
    }
    return *id;
}

// `members[value eq "1" or value eq "2"]`, as Entra ID and Okta send it.
void collectFilteredIds(const Node& filter, std::vector<Id>& ids) {
    if (const auto* either = std::get_if<Or>(&filter.expr)) {
        collectFilteredIds(*either->left, ids);
        collectFilteredIds(*either->right, ids);
        return;
    }
    const auto* comparison = std::get_if<Comparison>(&filter.expr);
    if (comparison == nullptr || comparison->op != CompareOp::eq || !comparison->value ||
        !comparison->path.schemaUrn.empty() || !comparison->path.subAttribute.empty() ||
        !equalsIgnoreCase(comparison->path.attribute, "value")) {
        unsupportedFilter();
    }
    const std::string* id = std::get_if<std::string>(&*comparison->value);
    if (id == nullptr) unsupportedFilter();
    ids.push_back(memberId(*id));
}

void addAll(MemberEdits& edits, const json& members) {
    for (const MemberRef& member : membersFromScim(members)) edits.add(member.id);
}

void applyMemberPath(MemberEdits& edits, const PatchOperation& operation) {
    const PatchPath& path = *operation.path;
    if (!path.attribute.subAttribute.empty() || !path.subAttribute.empty()) {
        throw Error(ErrorCode::invalid_path,
                    "members are changed as a whole: use the path \"members\"", "members");
    }
    using Op = PatchOperation::Op;
    if (path.valueFilter) {
        if (operation.op != Op::remove) {
            throw Error(ErrorCode::invalid_path,
                        "a filter on members can only remove them; add with the path \"members\"",
                        "members");
        }
        std::vector<Id> ids;
        collectFilteredIds(*path.valueFilter, ids);
        for (Id id : ids) edits.remove(id);
    } else if (operation.op == Op::remove) {
        // RFC 7644 §3.5.2.2: with a value, only the listed members go.
        if (operation.value.is_null()) {
            edits.removeAll();
        } else {
            for (const MemberRef& member : membersFromScim(operation.value))
                edits.remove(member.id);
        }
    } else {
        if (operation.op == Op::replace) edits.removeAll();
        addAll(edits, operation.value);
    }
}

// The path "urn:ietf:params:scim:schemas:core:2.0:Group", which the path
// parser reads as the attribute "Group" of "urn:...:core:2.0": its value holds
// the group's attributes, as a path-less value does.
bool namesGroupSchema(const PatchPath& path) {
    const AttributePath& name = path.attribute;
    return !name.schemaUrn.empty() && name.subAttribute.empty() && !path.valueFilter &&
           path.subAttribute.empty() &&
           equalsIgnoreCase(name.schemaUrn + ":" + name.attribute, kGroupSchema);
}

// An add or replace whose value is an object of attributes that may hold members.
bool carriesAttributes(const PatchOperation& operation) {
    return operation.op != PatchOperation::Op::remove && operation.value.is_object() &&
           (!operation.path || namesGroupSchema(*operation.path));
}

// Takes the member changes out of an object of attributes, wherever the client
// put them ("members", "urn:...:Group:members", or inside "urn:...:Group"),
// and applies each as if it had come with that path. Left in, they would
// reach applyPatch, which would write them into the group's JSON where no
// one reads them: a membership change silently lost.
void takeMembers(MemberEdits& edits, PatchOperation::Op op, json& attributes) {
    for (auto it = attributes.begin(); it != attributes.end();) {
        PatchPath path = parsePatchPath(it.key());
        if (namesMembers(path.attribute)) {
            applyMemberPath(edits, PatchOperation{op, std::move(path), it.value()});
            it = attributes.erase(it);
            continue;
        }
        if (namesGroupSchema(path) && it->is_object()) takeMembers(edits, op, it.value());
        ++it;
    }
}

// {"op": "replace", "value": {"displayName": "x", "members": [...]}}: the
// members are taken out and the other attributes go through applyPatch.
PatchOperation withoutMembers(MemberEdits& edits, const PatchOperation& operation) {
    PatchOperation rest = operation;
    takeMembers(edits, operation.op, rest.value);
    return rest;
}

}  // namespace

GroupPatch applyGroupPatch(json groupWithoutMembers,
                           const std::vector<PatchOperation>& operations) {
    const ResourceTypeDef& type = SchemaRegistry::instance().resourceType("Group");
    GroupPatch patch;
    patch.group = std::move(groupWithoutMembers);
    if (!patch.group.is_object()) {
        throw Error(ErrorCode::invalid_syntax, "a Group must be a JSON object");
    }
    eraseMember(patch.group, "members");
    MemberEdits edits;
    for (const PatchOperation& operation : operations) {
        if (operation.path && namesMembers(operation.path->attribute)) {
            applyMemberPath(edits, operation);
        } else if (carriesAttributes(operation)) {
            patch.group =
                applyPatch(std::move(patch.group), {withoutMembers(edits, operation)}, type);
        } else {
            patch.group = applyPatch(std::move(patch.group), {operation}, type);
        }
    }
    edits.writeTo(patch);
    return patch;
}

}  // namespace muster::scim
