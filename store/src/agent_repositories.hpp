#pragma once

// The SOCI repositories for agents, tracking rules and activity data
// (core/agent_store.hpp). Like the others, each works on its transaction's
// leased session and filters every query by tenant.

#include "muster/core/agent_store.hpp"
#include "soci_headers.hpp"

namespace muster::store {

class SqlAgentRepository final : public AgentRepository {
  public:
    explicit SqlAgentRepository(soci::session& sql) : sql_(sql) {}
    Device createDevice(const Device& device) override;
    std::optional<Device> findDevice(Id tenantId, Id id) override;
    std::optional<Device> findDeviceByDeviceId(Id tenantId, const std::string& deviceId) override;
    void updateDevice(const Device& device) override;
    std::vector<Device> listDevices(Id tenantId, const DeviceFilter& filter) override;
    DeviceCounts countDevices(Id tenantId) override;
    void recordAssignment(const DeviceAssignment& assignment) override;
    std::vector<DeviceAssignment> assignmentsOf(Id tenantId, Id deviceId) override;
    std::optional<Id> userOwningDeviceLogin(Id tenantId, const DeviceLogin& login) override;
    std::vector<Id> usersWithAddresses(Id tenantId,
                                       const std::vector<std::string>& addresses) override;
    std::vector<LogonDomainMapping> logonDomains(Id tenantId) override;
    std::vector<std::string> emailDomainsOf(Id tenantId, const std::string& logonDomain) override;
    void replaceLogonDomain(Id tenantId, const LogonDomainMapping& mapping) override;
    void rememberPlaceholder(Id tenantId, Id userId, const std::string& email) override;
    std::optional<std::string> placeholderOf(Id tenantId, Id userId) override;
    void forgetPlaceholder(Id tenantId, Id userId) override;

  private:
    soci::session& sql_;
};

class SqlTrackingRepository final : public TrackingRepository {
  public:
    explicit SqlTrackingRepository(soci::session& sql) : sql_(sql) {}
    std::vector<TrackingRuleRecord> allRules(Id tenantId) override;
    std::vector<TrackingRuleRecord> listRules(Id tenantId, const RuleFilter& filter) override;
    std::optional<TrackingRuleRecord> findRule(Id tenantId, Id id) override;
    void replaceUserRules(Id tenantId, Id userId,
                          const std::vector<policies::TrackingRule>& rules) override;
    TrackingRuleRecord addExclusion(const TrackingRuleRecord& exclusion) override;
    bool removeExclusion(Id tenantId, Id id) override;
    std::int64_t version(Id tenantId) override;
    void bumpVersion(Id tenantId) override;
    UntrackedFingerprint untrackedFingerprint(Id tenantId) override;
    std::vector<UntrackedUserIdentifiers> untrackedUsers(Id tenantId) override;

  private:
    soci::session& sql_;
};

class SqlActivityRepository final : public ActivityRepository {
  public:
    explicit SqlActivityRepository(soci::session& sql) : sql_(sql) {}
    void append(const std::vector<ActivityRecord>& records) override;
    std::int64_t countOf(Id tenantId, Id userId) override;
    std::int64_t deleteAllOf(Id tenantId, Id userId) override;

  private:
    soci::session& sql_;
};

}  // namespace muster::store
