#pragma once

// What agents (SPEC U-6), tracking (U-7) and activity data (U-8) keep in the
// store, and the repositories a Transaction hands out for them
// (Transaction::agents(), tracking(), activity()).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "muster/core/model.hpp"
#include "muster/core/store.hpp"
#include "muster/policies/tracking.hpp"

namespace muster {

// --- agents and devices ---

// An agent's device is pending until an admin approves or rejects it.
// Licences count approved agents (SPEC U-6).
enum class DeviceStatus { pending, approved, rejected };
std::string_view toString(DeviceStatus status);
std::optional<DeviceStatus> parseDeviceStatus(std::string_view text);

// A Windows-style login as the agent sees it: username + logon domain.
struct DeviceLogin {
    std::string username;
    std::string logonDomain;
};

struct Device {
    Id id = 0;
    Id tenantId = 0;
    std::string deviceId;  // the agent's id for its machine; unique per tenant, case-insensitive
    std::string hostname;
    std::string os;
    DeviceLogin lastLogin;  // who was logged in at the last check-in
    std::string agentVersion;
    DeviceStatus status = DeviceStatus::pending;
    std::optional<Id>
        userId;  // the user the agent is assigned to (unset once that user is removed)
    Timestamp firstSeenAt = 0;
    Timestamp lastCheckinAt = 0;
    std::optional<Timestamp> decidedAt;  // when an admin approved or rejected it
};

// One change of a device's user. The ids stay when the users are removed, so
// the history shows "Deleted User (ID: n)" (SPEC U-3).
struct DeviceAssignment {
    Id id = 0;
    Id tenantId = 0;
    Id deviceId = 0;  // Device::id
    std::optional<Id> fromUserId;
    std::optional<Id> toUserId;
    std::string reason;  // "checkin", "assign"
    std::string actor;   // Actor::id of who made the change
    Timestamp occurredAt = 0;
};

struct DeviceFilter {
    std::optional<DeviceStatus> status;
    std::optional<Id> userId;
    std::optional<Id> afterId;  // cursor: devices with a larger id
    std::int64_t limit = 50;
};

struct DeviceCounts {
    std::int64_t pending = 0;
    std::int64_t approved = 0;  // the licence count
    std::int64_t rejected = 0;
};

// A tenant's logon domain and the email domains its accounts have
// ("CORP" -> corp.example.com): how a check-in finds an existing user by
// UPN/email when no user holds the device login yet.
struct LogonDomainMapping {
    std::string logonDomain;
    std::vector<std::string> emailDomains;
};

class AgentRepository {
  public:
    virtual ~AgentRepository() = default;

    // Inserts the device (id assigned). A device id the tenant already has:
    // Error(conflict, attribute "deviceId").
    virtual Device createDevice(const Device& device) = 0;
    virtual std::optional<Device> findDevice(Id tenantId, Id id) = 0;
    virtual std::optional<Device> findDeviceByDeviceId(Id tenantId,
                                                       const std::string& deviceId) = 0;
    // Writes every field of device.id; Error(not_found) when it is gone.
    virtual void updateDevice(const Device& device) = 0;
    // In id order, after filter.afterId, at most filter.limit.
    virtual std::vector<Device> listDevices(Id tenantId, const DeviceFilter& filter) = 0;
    virtual DeviceCounts countDevices(Id tenantId) = 0;

    virtual void recordAssignment(const DeviceAssignment& assignment) = 0;
    // Oldest first.
    virtual std::vector<DeviceAssignment> assignmentsOf(Id tenantId, Id deviceId) = 0;

    // The user holding device login username + logonDomain, or holding the
    // username with "any domain" set.
    virtual std::optional<Id> userOwningDeviceLogin(Id tenantId, const DeviceLogin& login) = 0;
    // Distinct users whose UPN, email or userName equals one of the addresses
    // (case-insensitive).
    virtual std::vector<Id> usersWithAddresses(Id tenantId,
                                               const std::vector<std::string>& addresses) = 0;

    virtual std::vector<LogonDomainMapping> logonDomains(Id tenantId) = 0;
    virtual std::vector<std::string> emailDomainsOf(Id tenantId,
                                                    const std::string& logonDomain) = 0;
    // Replaces the email domains of mapping.logonDomain (none: removes it).
    virtual void replaceLogonDomain(Id tenantId, const LogonDomainMapping& mapping) = 0;

    // The placeholder email a check-in gave an auto-created user, until it is
    // removed.
    virtual void rememberPlaceholder(Id tenantId, Id userId, const std::string& email) = 0;
    virtual std::optional<std::string> placeholderOf(Id tenantId, Id userId) = 0;
    virtual void forgetPlaceholder(Id tenantId, Id userId) = 0;
};

// --- tracking rules ---

// A stored rule: generated from an untracked user's identifiers (userId
// set), or a tenant exclusion (userId unset).
struct TrackingRuleRecord {
    Id id = 0;
    Id tenantId = 0;
    std::optional<Id> userId;
    policies::TrackingRule rule;
    std::string note;  // exclusions: why ("built-in administrator")
    Timestamp createdAt = 0;
};

enum class RuleKind { any, user, exclusion };

struct RuleFilter {
    RuleKind kind = RuleKind::any;
    std::optional<Id> userId;
    std::optional<Id> afterId;
    std::int64_t limit = 50;
};

// A cheap summary of the tenant's untracked users: it changes whenever one
// of them changes (version bump), is removed, or stops or starts being
// untracked. Lets every daemon notice identifier edits made by other paths.
struct UntrackedFingerprint {
    std::int64_t users = 0;
    std::int64_t versionSum = 0;
    bool operator==(const UntrackedFingerprint&) const = default;
};

struct UntrackedUserIdentifiers {
    Id userId = 0;
    std::vector<Identifier> identifiers;
};

class TrackingRepository {
  public:
    virtual ~TrackingRepository() = default;

    // Every rule of the tenant (users' and exclusions), for the index.
    virtual std::vector<TrackingRuleRecord> allRules(Id tenantId) = 0;
    virtual std::vector<TrackingRuleRecord> listRules(Id tenantId, const RuleFilter& filter) = 0;
    virtual std::optional<TrackingRuleRecord> findRule(Id tenantId, Id id) = 0;
    // Replaces the rules generated for one user (none: removes them).
    virtual void replaceUserRules(Id tenantId, Id userId,
                                  const std::vector<policies::TrackingRule>& rules) = 0;
    // Error(conflict, attribute "username") for the same username + domain twice.
    virtual TrackingRuleRecord addExclusion(const TrackingRuleRecord& exclusion) = 0;
    // False when the tenant has no such exclusion.
    virtual bool removeExclusion(Id tenantId, Id id) = 0;

    // A per-tenant counter bumped by every rule change, so that each daemon
    // knows when to rebuild its index.
    virtual std::int64_t version(Id tenantId) = 0;
    virtual void bumpVersion(Id tenantId) = 0;

    virtual UntrackedFingerprint untrackedFingerprint(Id tenantId) = 0;
    // The identifiers of every untracked user (users without any included),
    // leaving out placeholder emails: they are no real address to block.
    virtual std::vector<UntrackedUserIdentifiers> untrackedUsers(Id tenantId) = 0;
};

// --- activity data (SPEC U-8) ---

// One piece of a user's historical activity as agents report it. Keyed by
// the user id without a foreign key: removing the user record leaves the data
// until it is deleted on purpose, and deleting the data is a separate action.
struct ActivityRecord {
    Id id = 0;
    Id tenantId = 0;
    Id userId = 0;
    std::optional<Id> deviceId;  // Device::id
    std::string kind;            // "app", "web", "idle", ...
    Timestamp startedAt = 0;
    Timestamp endedAt = 0;
    std::string detail;
};

class ActivityRepository {
  public:
    virtual ~ActivityRepository() = default;
    virtual void append(const std::vector<ActivityRecord>& records) = 0;
    virtual std::int64_t countOf(Id tenantId, Id userId) = 0;
    // Deletes every record of the user; returns how many.
    virtual std::int64_t deleteAllOf(Id tenantId, Id userId) = 0;
};

}  // namespace muster
