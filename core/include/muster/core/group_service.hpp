#pragma once

#include <optional>
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
    void remove(const Principal& by, Id id, std::optional<std::int64_t> expectedVersion);
    Page<Group> list(const Principal& by, const query::ListQuery& query);

private:
    Store& store_;
};

}  // namespace muster
