#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "muster/core/principal.hpp"
#include "muster/core/query.hpp"
#include "muster/core/store.hpp"

namespace muster {

// A membership change that touches only the members named, so its cost does
// not grow with the size of the group (SPEC S-4).
// Members are given by id; their kind (user or group) is looked up.
struct MembershipChange {
    std::vector<GroupMember> add;
    std::vector<GroupMember> remove;
    bool removeAll = false;  // applied before `add` (PATCH replace of members)
};

// An admin edit of a group's own fields (SPEC U-9); members change through
// MembershipChange. Unset members of this struct stay as they are.
struct GroupEdit {
    std::optional<std::string> displayName;
    std::optional<std::optional<double>> productiveHoursGoal;  // {nullopt}: clear the goal
    std::optional<std::vector<Id>> ownerIds;
};

class GroupService {
public:
    explicit GroupService(Store& store) : store_(store) {}

    Group create(const Principal& by, const Group& group);
    Group get(const Principal& by, Id id, bool withMembers);
    // Replaces name, externalId and the whole member list.
    Group replace(const Principal& by, const Group& group,
                  std::optional<std::int64_t> expectedVersion);
    // Renames and/or changes members without reading the member list.
    Group modify(const Principal& by, Id id, const std::optional<std::string>& displayName,
                 const std::optional<std::string>& externalId, const MembershipChange& members,
                 std::optional<std::int64_t> expectedVersion);
    // Edits name, goal and owners, and applies a membership change, in one
    // audited transaction. Goal and membership changes re-derive primary
    // groups, which are computed from them on every read.
    Group edit(const Principal& by, Id id, const GroupEdit& edit, const MembershipChange& members,
               std::optional<std::int64_t> expectedVersion);
    void remove(const Principal& by, Id id, std::optional<std::int64_t> expectedVersion);
    Page<Group> list(const Principal& by, const query::ListQuery& query);

private:
    Group changeGroup(const Principal& by, Id id, const MembershipChange& members,
                      std::optional<std::int64_t> expectedVersion,
                      const std::function<void(Group&)>& editFields);

    Store& store_;
};

}  // namespace muster
