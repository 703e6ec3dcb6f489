#include "muster/policies/primary_group.hpp"

namespace muster::policies {

std::optional<std::int64_t> primaryGroup(const std::vector<GroupGoal>& memberOf,
                                         std::optional<std::int64_t> explicitChoice) {
    const GroupGoal* best = nullptr;
    for (const GroupGoal& group : memberOf) {
        if (explicitChoice && group.groupId == *explicitChoice) return group.groupId;
        if (!group.productiveHoursGoal) continue;
        if (best == nullptr || *group.productiveHoursGoal > *best->productiveHoursGoal ||
            (*group.productiveHoursGoal == *best->productiveHoursGoal &&
             group.groupId < best->groupId)) {
            best = &group;
        }
    }
    if (best == nullptr) return std::nullopt;
    return best->groupId;
}

}  // namespace muster::policies
