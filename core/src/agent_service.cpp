#include "muster/core/agent_service.hpp"

#include <algorithm>

#include "muster/core/error.hpp"
#include "muster/core/role_limits.hpp"

namespace muster {

namespace {

// Racing check-ins resolve in one retry each; more means something else is wrong.
constexpr int maxCheckinAttempts = 4;
constexpr std::size_t maxActivityKindLength = 64;

void checkText(const std::string& value, std::size_t limit, const char* attribute, bool required) {
    if (required && value.empty()) {
        throw Error(ErrorCode::invalid_input, std::string(attribute) + " is required", attribute);
    }
    checkTextLength(value, limit, attribute);
}

// A username or domain becomes part of an email address and of identifiers.
void checkLoginPart(const std::string& value, const char* attribute) {
    checkText(value, maxDeviceTextLength, attribute, true);
    if (value.find_first_of("@ \\/") != std::string::npos) {
        throw Error(
            ErrorCode::invalid_input,
            std::string(attribute) + " \"" + value + "\" may not contain '@', '\\', '/' or spaces",
            attribute);
    }
}

void validate(const CheckinRequest& request) {
    checkText(request.deviceId, maxDeviceIdLength, "deviceId", true);
    checkText(request.hostname, maxDeviceTextLength, "hostname", false);
    checkText(request.os, maxDeviceTextLength, "os", false);
    checkText(request.agentVersion, maxDeviceTextLength, "agentVersion", false);
    checkLoginPart(request.login.username, "username");
    checkLoginPart(request.login.logonDomain, "logonDomain");
}

bool holdsDeviceLogin(const User& user, const DeviceLogin& login) {
    const std::string username = policies::foldCase(login.username);
    const std::string domain = policies::foldCase(login.logonDomain);
    return std::any_of(user.identifiers.begin(), user.identifiers.end(), [&](const Identifier& id) {
        return id.kind == IdentifierKind::device_login &&
               policies::foldCase(id.value) == username &&
               (id.anyDomain || policies::foldCase(id.logonDomain) == domain);
    });
}

Identifier deviceLoginIdentifier(const DeviceLogin& login) {
    Identifier identifier;
    identifier.kind = IdentifierKind::device_login;
    identifier.value = login.username;
    identifier.logonDomain = login.logonDomain;
    return identifier;
}

bool isPlaceholder(const Identifier& identifier, const std::string& placeholderNorm) {
    return identifier.kind == IdentifierKind::email &&
           policies::foldCase(identifier.value) == placeholderNorm;
}

// A UPN, an employee id or an email other than the placeholder.
bool hasRealIdentifier(const User& user, const std::string& placeholderNorm) {
    return std::any_of(user.identifiers.begin(), user.identifiers.end(), [&](const Identifier& id) {
        return id.kind == IdentifierKind::upn || id.kind == IdentifierKind::employee_id ||
               (id.kind == IdentifierKind::email && !isPlaceholder(id, placeholderNorm));
    });
}

Snapshot snapshotOf(const Device& device) {
    return {{"deviceId", device.deviceId},
            {"hostname", device.hostname},
            {"os", device.os},
            {"login", device.lastLogin.username + "@" + device.lastLogin.logonDomain},
            {"agentVersion", device.agentVersion},
            {"status", std::string(toString(device.status))},
            {"user", device.userId ? std::to_string(*device.userId) : ""}};
}

Device loadDevice(Transaction& tx, const Principal& by, Id id) {
    std::optional<Device> device = tx.agents().findDevice(by.tenantId, id);
    if (!device) throw Error(ErrorCode::not_found, "no device with id " + std::to_string(id));
    return *device;
}

void recordCheckinAssignment(Transaction& tx, const Principal& agent, const Device& device,
                             Id userId) {
    tx.agents().recordAssignment({0, agent.tenantId, device.id, std::nullopt, userId, "checkin",
                                  agent.actor.id, nowMillis()});
}

// Drops the user's placeholder email when the user has a real identifier;
// true when it changed the user (written, with its audit event).
bool dropPlaceholderIn(Transaction& tx, const Principal& by, User& user) {
    std::optional<std::string> placeholder = tx.agents().placeholderOf(user.tenantId, user.id);
    if (!placeholder || !hasRealIdentifier(user, *placeholder)) return false;
    const User before = user;
    auto& ids = user.identifiers;
    ids.erase(std::remove_if(ids.begin(), ids.end(),
                             [&](const Identifier& id) { return isPlaceholder(id, *placeholder); }),
              ids.end());
    tx.agents().forgetPlaceholder(user.tenantId, user.id);
    if (ids.size() == before.identifiers.size()) return false;  // removed by hand already
    user = tx.users().update(user);
    TrackingService::syncUserRulesIn(tx, user);
    AuditEvent event = auditEventBy(by, "user.placeholder.remove", "user", user.id, user.userName);
    event.before = snapshotOf(before);
    event.after = snapshotOf(user);
    tx.audit().record(event);
    return true;
}

}  // namespace

std::string placeholderEmail(const DeviceLogin& login) {
    return login.username + "@" + login.logonDomain;
}

// --- check-in ---

CheckinResult AgentService::checkin(const Principal& agent, const CheckinRequest& request) {
    requireScope(agent, {TokenScope::agent});
    validate(request);
    for (int attempt = 1;; ++attempt) {
        try {
            if (std::optional<CheckinResult> known = touchKnownDevice(agent, request)) {
                return *known;
            }
            return attachNewDevice(agent, request);
        } catch (const Error& error) {
            // Another check-in registered the device or created the user
            // first: the next attempt finds what it made.
            if (error.code() != ErrorCode::conflict || attempt >= maxCheckinAttempts) throw;
        }
    }
}

std::optional<CheckinResult> AgentService::touchKnownDevice(const Principal& agent,
                                                            const CheckinRequest& request) {
    auto tx = store_.beginWrite();
    std::optional<Device> device =
        tx->agents().findDeviceByDeviceId(agent.tenantId, request.deviceId);
    if (!device || !device->userId) return std::nullopt;
    std::optional<User> user = tx->users().findById(agent.tenantId, *device->userId);
    if (!user) return std::nullopt;
    device->hostname = request.hostname;
    device->os = request.os;
    device->agentVersion = request.agentVersion;
    device->lastLogin = request.login;
    device->lastCheckinAt = nowMillis();
    tx->agents().updateDevice(*device);
    const bool userChanged = dropPlaceholderIn(*tx, agent, *user);
    tx->commit();
    if (userChanged) tracking_.invalidate(agent.tenantId);
    return CheckinResult{*device, *user, false, false};
}

CheckinResult AgentService::attachNewDevice(const Principal& agent, const CheckinRequest& request) {
    std::optional<User> owner = existingOwner(agent, request.login);
    const bool userCreated = !owner;
    if (!owner) owner = createForLogin(agent, request.login);

    auto tx = store_.beginWrite();
    std::optional<User> user = tx->users().findById(agent.tenantId, owner->id);
    if (!user) throw Error(ErrorCode::conflict, "the device's user was removed meanwhile");
    std::optional<Device> device =
        tx->agents().findDeviceByDeviceId(agent.tenantId, request.deviceId);
    if (device && device->userId) {
        throw Error(ErrorCode::conflict, "the device was attached meanwhile", "deviceId");
    }
    const Timestamp now = nowMillis();
    Device attached = device.value_or(Device{});
    attached.tenantId = agent.tenantId;
    attached.deviceId = request.deviceId;
    attached.hostname = request.hostname;
    attached.os = request.os;
    attached.agentVersion = request.agentVersion;
    attached.lastLogin = request.login;
    attached.userId = user->id;
    attached.lastCheckinAt = now;
    if (device) {
        tx->agents().updateDevice(attached);  // it lost its user; keeps its status
    } else {
        attached.firstSeenAt = now;
        // A device of a known user is approved; one that made a new user waits for an admin.
        attached.status = userCreated ? DeviceStatus::pending : DeviceStatus::approved;
        attached = tx->agents().createDevice(attached);
    }
    recordCheckinAssignment(*tx, agent, attached, user->id);
    if (userCreated) {
        tx->agents().rememberPlaceholder(agent.tenantId, user->id, placeholderEmail(request.login));
    }
    bool rulesChanged = false;
    if (!holdsDeviceLogin(*user, request.login)) {
        const User before = *user;
        user->identifiers.push_back(deviceLoginIdentifier(request.login));
        *user = tx->users().update(*user);
        rulesChanged = TrackingService::syncUserRulesIn(*tx, *user);
        AuditEvent event =
            auditEventBy(agent, "user.identifier.add", "user", user->id, user->userName);
        event.before = snapshotOf(before);
        event.after = snapshotOf(*user);
        tx->audit().record(event);
    }
    AuditEvent event = auditEventBy(agent, device ? "device.attach" : "device.register", "device",
                                    attached.id, attached.deviceId);
    event.after = snapshotOf(attached);
    tx->audit().record(event);
    tx->commit();
    if (rulesChanged) tracking_.invalidate(agent.tenantId);
    return CheckinResult{attached, *user, userCreated, !device};
}

std::optional<User> AgentService::existingOwner(const Principal& agent, const DeviceLogin& login) {
    auto tx = store_.beginRead();
    if (std::optional<Id> owner = tx->agents().userOwningDeviceLogin(agent.tenantId, login)) {
        return tx->users().findById(agent.tenantId, *owner);
    }
    std::vector<std::string> addresses;
    for (const std::string& domain :
         tx->agents().emailDomainsOf(agent.tenantId, login.logonDomain)) {
        addresses.push_back(login.username + "@" + domain);
    }
    if (addresses.empty()) return std::nullopt;
    std::vector<Id> matches = tx->agents().usersWithAddresses(agent.tenantId, addresses);
    // Two candidates: no guessing which one is meant.
    if (matches.size() != 1) return std::nullopt;
    return tx->users().findById(agent.tenantId, matches.front());
}

User AgentService::createForLogin(const Principal& agent, const DeviceLogin& login) {
    User user;
    user.userName = login.username;
    {
        // Someone unrelated already has the bare username as userName.
        auto tx = store_.beginRead();
        if (tx->users().findByUserName(agent.tenantId, login.username)) {
            user.userName = placeholderEmail(login);
        }
    }
    Identifier placeholder;
    placeholder.kind = IdentifierKind::email;
    placeholder.value = placeholderEmail(login);
    placeholder.type = "other";
    user.identifiers = {placeholder, deviceLoginIdentifier(login)};
    user.status = UserStatus::active;
    user.profileIncomplete = true;
    user.identityProvider = "agent";
    return users_.create(agent, user);
}

std::size_t AgentService::uploadActivity(const Principal& agent, const ActivityUpload& upload) {
    requireScope(agent, {TokenScope::agent});
    checkText(upload.deviceId, maxDeviceIdLength, "deviceId", true);
    if (upload.records.size() > maxActivityRecordsPerUpload) {
        throw Error(
            ErrorCode::too_many,
            "at most " + std::to_string(maxActivityRecordsPerUpload) + " records per upload",
            "records");
    }
    for (const ActivityRecord& record : upload.records) {
        checkText(record.kind, maxActivityKindLength, "kind", true);
        checkText(record.detail, maxActivityDetailLength, "detail", false);
        if (record.endedAt < record.startedAt) {
            throw Error(ErrorCode::invalid_input, "a record ends before it starts", "end");
        }
    }
    auto tx = store_.beginWrite();
    std::optional<Device> device =
        tx->agents().findDeviceByDeviceId(agent.tenantId, upload.deviceId);
    if (!device) {
        throw Error(ErrorCode::not_found, "device \"" + upload.deviceId + "\" has not checked in");
    }
    if (device->status != DeviceStatus::approved) {
        throw Error(ErrorCode::forbidden, "device \"" + upload.deviceId + "\" is " +
                                              std::string(toString(device->status)) +
                                              ", not approved");
    }
    if (!device->userId) {
        throw Error(ErrorCode::conflict, "device \"" + upload.deviceId + "\" has no user");
    }
    std::vector<ActivityRecord> records = upload.records;
    for (ActivityRecord& record : records) {
        record.tenantId = agent.tenantId;
        record.userId = *device->userId;
        record.deviceId = device->id;
    }
    tx->activity().append(records);
    tx->commit();
    return records.size();
}

// --- admin ---

std::vector<Device> AgentService::list(const Principal& by, const DeviceFilter& filter) {
    auto tx = store_.beginRead();
    return tx->agents().listDevices(by.tenantId, filter);
}

Device AgentService::get(const Principal& by, Id id) {
    auto tx = store_.beginRead();
    return loadDevice(*tx, by, id);
}

DeviceCounts AgentService::counts(const Principal& by) {
    auto tx = store_.beginRead();
    return tx->agents().countDevices(by.tenantId);
}

Device AgentService::approve(const Principal& by, Id id) {
    return decide(by, id, DeviceStatus::approved);
}

Device AgentService::reject(const Principal& by, Id id) {
    return decide(by, id, DeviceStatus::rejected);
}

namespace {

// A device's current user is managed through it (SPEC T-3): approving,
// rejecting or taking away a company admin's device is for ranks above them.
void checkMayManageOwner(Transaction& tx, const Principal& by, const Device& device) {
    if (!device.userId) return;
    if (std::optional<User> owner = tx.users().findById(by.tenantId, *device.userId)) {
        RoleLimits::load(tx, by).checkMayManage(*owner);
    }
}

}  // namespace

Device AgentService::decide(const Principal& by, Id id, DeviceStatus status) {
    auto tx = store_.beginWrite();
    const Device before = loadDevice(*tx, by, id);
    checkMayManageOwner(*tx, by, before);
    if (before.status == status) return before;
    Device after = before;
    after.status = status;
    after.decidedAt = nowMillis();
    tx->agents().updateDevice(after);
    AuditEvent event =
        auditEventBy(by, status == DeviceStatus::approved ? "device.approve" : "device.reject",
                     "device", after.id, after.deviceId);
    event.before = snapshotOf(before);
    event.after = snapshotOf(after);
    tx->audit().record(event);
    tx->commit();
    return after;
}

Device AgentService::assign(const Principal& by, Id id, Id userId, bool requireCurrentUser) {
    auto tx = store_.beginWrite();
    const Device before = loadDevice(*tx, by, id);
    if (requireCurrentUser && !before.userId) {
        throw Error(ErrorCode::conflict,
                    "device " + std::to_string(id) + " has no user to reassign from; assign it",
                    "userId");
    }
    std::optional<User> user = tx->users().findById(by.tenantId, userId);
    if (!user) {
        throw Error(ErrorCode::invalid_input, "userId: no user with id " + std::to_string(userId),
                    "userId");
    }
    RoleLimits::load(*tx, by).checkMayManage(*user);
    checkMayManageOwner(*tx, by, before);
    if (before.userId == userId) return before;
    Device after = before;
    after.userId = userId;
    tx->agents().updateDevice(after);
    tx->agents().recordAssignment(
        {0, by.tenantId, id, before.userId, userId, "assign", by.actor.id, nowMillis()});
    AuditEvent event = auditEventBy(by, before.userId ? "device.reassign" : "device.assign",
                                    "device", after.id, after.deviceId);
    event.before = snapshotOf(before);
    event.after = snapshotOf(after);
    tx->audit().record(event);
    tx->commit();
    return after;
}

std::vector<DeviceAssignment> AgentService::history(const Principal& by, Id id) {
    auto tx = store_.beginRead();
    loadDevice(*tx, by, id);
    return tx->agents().assignmentsOf(by.tenantId, id);
}

std::vector<LogonDomainMapping> AgentService::logonDomains(const Principal& by) {
    auto tx = store_.beginRead();
    return tx->agents().logonDomains(by.tenantId);
}

LogonDomainMapping AgentService::setLogonDomain(const Principal& by,
                                                const LogonDomainMapping& mapping) {
    checkLoginPart(mapping.logonDomain, "logonDomain");
    if (mapping.emailDomains.size() > maxEmailDomainsPerLogonDomain) {
        throw Error(ErrorCode::invalid_input,
                    "at most " + std::to_string(maxEmailDomainsPerLogonDomain) +
                        " email domains per logon domain",
                    "emailDomains");
    }
    for (const std::string& domain : mapping.emailDomains) {
        checkLoginPart(domain, "emailDomains");
    }
    auto tx = store_.beginWrite();
    const std::vector<std::string> before =
        tx->agents().emailDomainsOf(by.tenantId, mapping.logonDomain);
    tx->agents().replaceLogonDomain(by.tenantId, mapping);
    LogonDomainMapping stored{mapping.logonDomain,
                              tx->agents().emailDomainsOf(by.tenantId, mapping.logonDomain)};
    auto joined = [](const std::vector<std::string>& domains) {
        std::string text;
        for (const std::string& domain : domains) text += (text.empty() ? "" : ", ") + domain;
        return text;
    };
    AuditEvent event =
        auditEventBy(by, "agent.logon_domain.set", "logon_domain", 0, mapping.logonDomain);
    event.targetId.reset();
    event.before = Snapshot{{"emailDomains", joined(before)}};
    event.after = Snapshot{{"emailDomains", joined(stored.emailDomains)}};
    tx->audit().record(event);
    tx->commit();
    return stored;
}

User AgentService::removePlaceholder(const Principal& by, Id userId) {
    auto tx = store_.beginWrite();
    std::optional<User> user = tx->users().findById(by.tenantId, userId);
    if (!user) throw Error(ErrorCode::not_found, "no user with id " + std::to_string(userId));
    RoleLimits::load(*tx, by).checkMayManage(*user);
    std::optional<std::string> placeholder = tx->agents().placeholderOf(by.tenantId, userId);
    if (!placeholder) {
        throw Error(ErrorCode::not_found,
                    "user " + std::to_string(userId) + " has no placeholder email");
    }
    if (!hasRealIdentifier(*user, *placeholder)) {
        throw Error(ErrorCode::conflict,
                    "the placeholder email " + *placeholder + " is user " + std::to_string(userId) +
                        "'s only email; add a real email, UPN or employee id first",
                    "identifiers");
    }
    dropPlaceholderIn(*tx, by, *user);
    tx->commit();
    tracking_.invalidate(by.tenantId);
    return *user;
}

}  // namespace muster
