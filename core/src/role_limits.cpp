#include "muster/core/role_limits.hpp"

#include <algorithm>
#include <cctype>

#include "muster/core/error.hpp"

namespace muster {

namespace {

std::string describe(const policies::RankedRole& role) {
    return role.name + " (rank " + std::to_string(role.rank) + ")";
}

}  // namespace

RoleLimits RoleLimits::load(Transaction& tx, const Principal& by) {
    RoleLimits limits;
    // Unrestricted: nothing to read (this is every SCIM provisioning write).
    if (!by.userId) return limits;
    for (const Role& role : tx.roles().list(by.tenantId)) {
        limits.catalogue_[lowerAscii(role.name)] = {role.name, role.rank};
        limits.tenantTopRank_ = std::max(limits.tenantTopRank_, role.rank);
    }
    limits.unrestricted_ = false;
    std::optional<User> actor = tx.users().findById(by.tenantId, *by.userId);
    if (!actor || actor->status != UserStatus::active || actor->banned) {
        throw Error(ErrorCode::forbidden,
                    "the acting user " + std::to_string(*by.userId) + " may no longer act");
    }
    limits.actorRoles_ = limits.ranked(actor->roles);
    // Holding the tenant's top role (company_admin by default) lifts every limit.
    std::optional<policies::RankedRole> top = policies::highestRole(limits.actorRoles_);
    limits.unrestricted_ = top && top->rank >= limits.tenantTopRank_;
    return limits;
}

std::vector<policies::RankedRole> RoleLimits::ranked(const std::vector<std::string>& names) const {
    std::vector<policies::RankedRole> roles;
    for (const std::string& name : names) {
        auto found = catalogue_.find(lowerAscii(name));
        // An unknown role is refused by the store with a clear message; here it
        // can only be ranked as high as possible, so it never slips through.
        roles.push_back(found != catalogue_.end() ? found->second
                                                  : policies::RankedRole{name, tenantTopRank_});
    }
    return roles;
}

void RoleLimits::refuse(const policies::RankedRole& blocking, const std::string& what) const {
    std::optional<policies::RankedRole> own = policies::highestRole(actorRoles_);
    const std::string yours = own ? "your highest role is " + describe(*own) : "you hold no role";
    throw Error(ErrorCode::forbidden,
                what + " needs a role above " + describe(blocking) + "; " + yours, "roles");
}

void RoleLimits::checkMayManage(const User& target) const {
    if (unrestricted_) return;
    if (auto blocking =
            policies::roleBlocking(actorRoles_, tenantTopRank_, ranked(target.roles), {})) {
        refuse(*blocking, "managing user " + std::to_string(target.id) + " (" + target.userName +
                              "), who holds " + blocking->name + ",");
    }
}

void RoleLimits::checkMayGrant(const std::vector<std::string>& roleNames) const {
    if (unrestricted_) return;
    if (auto blocking =
            policies::roleBlocking(actorRoles_, tenantTopRank_, {}, ranked(roleNames))) {
        refuse(*blocking, "granting the role " + blocking->name);
    }
}

}  // namespace muster
