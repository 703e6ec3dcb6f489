#pragma once

// SPEC T-3 enforced in core/ for every path (admin API, SCIM with a token
// issued on behalf of a user, CLI, import): the rule itself is
// policies::roleBlocking; this class finds the ranks it needs in the store.

#include <map>
#include <string>
#include <vector>

#include "muster/core/principal.hpp"
#include "muster/core/store.hpp"
#include "muster/policies/role_limits.hpp"

namespace muster {

class RoleLimits {
  public:
    // Reads the tenant's role catalogue and, when the principal acts as a
    // user, that user's roles. A principal without a user (a tenant-level
    // automation token, the operator, a directory sync) is unrestricted.
    static RoleLimits load(Transaction& tx, const Principal& by);

    // Throws Error(forbidden) naming the blocking role unless the principal
    // outranks every role of the target (its roles before the change).
    void checkMayManage(const User& target) const;
    // Throws Error(forbidden) unless the principal outranks every role named.
    void checkMayGrant(const std::vector<std::string>& roleNames) const;

    bool unrestricted() const { return unrestricted_; }

  private:
    std::vector<policies::RankedRole> ranked(const std::vector<std::string>& names) const;
    [[noreturn]] void refuse(const policies::RankedRole& blocking, const std::string& what) const;

    bool unrestricted_ = true;
    int tenantTopRank_ = 0;
    std::vector<policies::RankedRole> actorRoles_;
    std::map<std::string, policies::RankedRole> catalogue_;  // by lower-cased name
};

}  // namespace muster
