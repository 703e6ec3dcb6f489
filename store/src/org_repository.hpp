#pragma once

// The SOCI repository for the org structure catalogues (core/org_store.hpp):
// departments, sections, teams, sites and tags. Like the others it works on
// its transaction's leased session and filters every query by tenant.

#include "muster/core/org_store.hpp"
#include "soci_headers.hpp"

namespace muster::store {

class SqlOrgRepository final : public OrgRepository {
  public:
    explicit SqlOrgRepository(soci::session& sql) : sql_(sql) {}

    OrgEntry create(const OrgEntry& entry) override;
    OrgEntry ensure(const OrgEntry& entry, bool& created) override;
    std::optional<OrgEntry> find(OrgKind kind, Id tenantId, Id id) override;
    std::optional<OrgEntry> findByName(OrgKind kind, Id tenantId, Id departmentId,
                                       const std::string& name) override;
    OrgEntry update(const OrgEntry& entry) override;
    void remove(OrgKind kind, Id tenantId, Id id) override;
    std::vector<OrgEntry> list(OrgKind kind, Id tenantId, const OrgListRequest& request) override;
    std::int64_t count(OrgKind kind, Id tenantId, Id departmentId) override;
    std::vector<OrgEntry> dynamicTags(Id tenantId) override;

    std::vector<OrgValueCount> userCounts(OrgKind kind, Id tenantId) override;
    std::vector<UserNames> usersWithTags(Id tenantId) override;
    std::vector<UserNames> usersWithListedSites(Id tenantId) override;
    std::int64_t replaceUserValue(OrgKind kind, Id tenantId, const std::string& department,
                                  const std::string& from, const std::string& to) override;
    void setUserTags(Id tenantId, Id userId, const std::vector<std::string>& tags) override;
    void setUserSites(Id tenantId, Id userId, const SiteAccess& sites) override;
    std::vector<User> usersForTagRules(Id tenantId, Id afterId, std::int64_t limit) override;

  private:
    soci::session& sql_;
};

}  // namespace muster::store
