#pragma once

// SPEC U-6 use cases: monitoring agents check in with their device and the
// login they see; admins approve, reject, assign and reassign them.
//
// A check-in attaches the device to
//   1. the user holding that device login (username + logon domain, or the
//      username with "any domain");
//   2. else the one user whose UPN, email or userName is username@D for an
//      email domain D the tenant maps to that logon domain
//      (LogonDomainMapping, e.g. CORP -> corp.example.com);
//   3. else a user created for it: userName = the username (or
//      username@logon_domain when that userName is taken by someone else),
//      placeholder email username@logon_domain, status active, profile
//      incomplete.
// The user it lands on gets the device login as an identifier. A device
// attached to an existing user (1, 2) is approved; one that made a new user
// (3) waits for an admin. Checking in again updates the device's details and
// creates nothing; a known device keeps its user until an admin reassigns it.
// Two check-ins racing for a new username make one user: the loser's create
// hits the unique userName / identifier and it looks the user up again.
//
// The placeholder email goes once the user has a real identifier (another
// email, a UPN or an employee id): on the admin's request
// (removePlaceholder), or by itself at the device's next check-in.

#include <optional>
#include <string>
#include <vector>

#include "muster/core/agent_store.hpp"
#include "muster/core/principal.hpp"
#include "muster/core/tracking_service.hpp"
#include "muster/core/user_service.hpp"

namespace muster {

struct CheckinRequest {
    std::string deviceId;
    std::string hostname;
    std::string os;
    std::string agentVersion;
    DeviceLogin login;
};

struct CheckinResult {
    Device device;
    User user;
    bool userCreated = false;    // this check-in made the user
    bool deviceCreated = false;  // this check-in registered the device
};

struct ActivityUpload {
    std::string deviceId;
    std::vector<ActivityRecord> records;  // tenantId, userId and deviceId are filled in
};

// Limits on what an agent may send.
inline constexpr std::size_t maxDeviceIdLength = 128;
inline constexpr std::size_t maxDeviceTextLength = 256;
inline constexpr std::size_t maxActivityRecordsPerUpload = 1000;
inline constexpr std::size_t maxActivityDetailLength = 1024;
inline constexpr std::size_t maxEmailDomainsPerLogonDomain = 50;

class AgentService {
  public:
    AgentService(Store& store, UserService& users, TrackingService& tracking)
        : store_(store), users_(users), tracking_(tracking) {}

    // Needs the agent scope.
    CheckinResult checkin(const Principal& agent, const CheckinRequest& request);
    // Stores activity for the user the (approved) device is assigned to;
    // returns how many records. Needs the agent scope.
    std::size_t uploadActivity(const Principal& agent, const ActivityUpload& upload);

    std::vector<Device> list(const Principal& by, const DeviceFilter& filter);
    Device get(const Principal& by, Id id);
    DeviceCounts counts(const Principal& by);
    Device approve(const Principal& by, Id id);
    Device reject(const Principal& by, Id id);
    // Gives the device to userId (recorded in its history). With
    // requireCurrentUser, the device must have a user now (a reassignment).
    Device assign(const Principal& by, Id id, Id userId, bool requireCurrentUser);
    std::vector<DeviceAssignment> history(const Principal& by, Id id);

    std::vector<LogonDomainMapping> logonDomains(const Principal& by);
    // Replaces the mapping of one logon domain; no email domains removes it.
    LogonDomainMapping setLogonDomain(const Principal& by, const LogonDomainMapping& mapping);

    // Removes the placeholder email a check-in gave the user. Error(conflict)
    // while it is the user's only real identifier; Error(not_found) when the
    // user has none.
    User removePlaceholder(const Principal& by, Id userId);

  private:
    std::optional<CheckinResult> touchKnownDevice(const Principal& agent,
                                                  const CheckinRequest& request);
    CheckinResult attachNewDevice(const Principal& agent, const CheckinRequest& request);
    std::optional<User> existingOwner(const Principal& agent, const DeviceLogin& login);
    User createForLogin(const Principal& agent, const DeviceLogin& login);
    Device decide(const Principal& by, Id id, DeviceStatus status);

    Store& store_;
    UserService& users_;
    TrackingService& tracking_;
};

// The placeholder email of a device login: "jdoe@CORP".
std::string placeholderEmail(const DeviceLogin& login);

}  // namespace muster
