#pragma once

// SPEC U-9: a user's primary group is the group with the highest
// productive-hours goal among the groups the user is a direct member of,
// unless an admin chose one explicitly (and the user is still in it).

#include <cstdint>
#include <optional>
#include <vector>

namespace muster::policies {

struct GroupGoal {
    std::int64_t groupId = 0;
    std::optional<double> productiveHoursGoal;
};

// Ties go to the lowest group id, so the answer does not depend on the order
// the groups were read in. No group with a goal and no valid explicit choice:
// no primary group.
std::optional<std::int64_t> primaryGroup(const std::vector<GroupGoal>& memberOf,
                                         std::optional<std::int64_t> explicitChoice);

}  // namespace muster::policies
