#include <set>

#include "agent_repositories.hpp"
#include "sql_errors.hpp"
#include "sql_statement.hpp"
#include "sql_text.hpp"

namespace muster::store {

namespace {

// One devices row as SOCI exchanges it.
struct DeviceRow {
    Id id = 0;
    Id tenantId = 0;
    std::string deviceId, deviceIdNorm, hostname, os, loginUsername, loginDomain, agentVersion;
    std::string status;
    Id userId = 0;
    soci::indicator userInd = soci::i_null;
    Timestamp firstSeenAt = 0;
    Timestamp lastCheckinAt = 0;
    Timestamp decidedAt = 0;
    soci::indicator decidedInd = soci::i_null;
};

template <typename T>
std::optional<T> optionalOf(T value, soci::indicator indicator) {
    if (indicator == soci::i_null) return std::nullopt;
    return value;
}

template <typename T>
soci::indicator indicatorOf(const std::optional<T>& value) {
    return value ? soci::i_ok : soci::i_null;
}

DeviceRow rowOf(const Device& device) {
    DeviceRow row;
    row.id = device.id;
    row.tenantId = device.tenantId;
    row.deviceId = device.deviceId;
    row.deviceIdNorm = normalized(device.deviceId);
    row.hostname = device.hostname;
    row.os = device.os;
    row.loginUsername = device.lastLogin.username;
    row.loginDomain = device.lastLogin.logonDomain;
    row.agentVersion = device.agentVersion;
    row.status = std::string(toString(device.status));
    row.userId = device.userId.value_or(0);
    row.userInd = indicatorOf(device.userId);
    row.firstSeenAt = device.firstSeenAt;
    row.lastCheckinAt = device.lastCheckinAt;
    row.decidedAt = device.decidedAt.value_or(0);
    row.decidedInd = indicatorOf(device.decidedAt);
    return row;
}

Device deviceOf(const DeviceRow& row) {
    Device device;
    device.id = row.id;
    device.tenantId = row.tenantId;
    device.deviceId = row.deviceId;
    device.hostname = row.hostname;
    device.os = row.os;
    device.lastLogin = {row.loginUsername, row.loginDomain};
    device.agentVersion = row.agentVersion;
    device.status = parseDeviceStatus(row.status).value_or(DeviceStatus::pending);
    device.userId = optionalOf(row.userId, row.userInd);
    device.firstSeenAt = row.firstSeenAt;
    device.lastCheckinAt = row.lastCheckinAt;
    device.decidedAt = optionalOf(row.decidedAt, row.decidedInd);
    return device;
}

// The columns every device statement exchanges, in this order, after id and tenant_id.
template <typename Bind>
void forEachDeviceField(DeviceRow& r, Bind&& bind) {
    bind(r.deviceId);
    bind(r.deviceIdNorm);
    bind(r.hostname);
    bind(r.os);
    bind(r.loginUsername);
    bind(r.loginDomain);
    bind(r.agentVersion);
    bind(r.status);
    bind(r.userId, r.userInd);
    bind(r.firstSeenAt);
    bind(r.lastCheckinAt);
    bind(r.decidedAt, r.decidedInd);
}

constexpr const char* kDeviceColumns =
    "device_id, device_id_norm, hostname, os, login_username, login_domain, agent_version, "
    "status, user_id, first_seen_at, last_checkin_at, decided_at";

template <typename... Param>
std::vector<Device> selectDevices(soci::session& sql, const std::string& where, Param&... param) {
    SqlStatement st(
        sql, std::string("SELECT id, tenant_id, ") + kDeviceColumns + " FROM devices " + where,
        Reuse::prepared);
    DeviceRow row;
    st.into(row.id);
    st.into(row.tenantId);
    forEachDeviceField(row, [&st](auto&... target) { st.into(target...); });
    (st.use(param), ...);
    std::vector<Device> devices;
    for (bool more = st.execute(); more; more = st.fetchNext()) devices.push_back(deviceOf(row));
    return devices;
}

std::optional<Device> firstOf(std::vector<Device> devices) {
    if (devices.empty()) return std::nullopt;
    return std::move(devices.front());
}

std::int64_t countWhere(soci::session& sql, Id tenantId, const std::string& status) {
    SqlStatement st(
        sql, "SELECT COUNT(*) FROM devices WHERE tenant_id = :tenant_id AND status = :status",
        Reuse::prepared);
    std::int64_t count = 0;
    Id tenant = tenantId;
    std::string statusText = status;
    st.into(count);
    st.use(tenant);
    st.use(statusText);
    st.execute();
    return count;
}

}  // namespace

Device SqlAgentRepository::createDevice(const Device& device) {
    return translateErrors([&] {
        DeviceRow row = rowOf(device);
        SqlStatement st(sql_,
                        std::string("INSERT INTO devices (tenant_id, ") + kDeviceColumns +
                            ") VALUES (:tenant_id, :device_id, :device_id_norm, :hostname, :os, "
                            ":login_username, :login_domain, :agent_version, :status, :user_id, "
                            ":first_seen_at, :last_checkin_at, :decided_at) RETURNING id",
                        Reuse::prepared);
        st.use(row.tenantId);
        forEachDeviceField(row, [&st](auto&... source) { st.use(source...); });
        st.into(row.id);
        try {
            st.execute();
        } catch (const soci::soci_error& error) {
            if (violatedUniqueIndex(error) != "ux_devices_device_id") throw;
            throw Error(ErrorCode::conflict,
                        "device \"" + device.deviceId + "\" is already registered", "deviceId");
        }
        Device created = device;
        created.id = row.id;
        return created;
    });
}

std::optional<Device> SqlAgentRepository::findDevice(Id tenantId, Id id) {
    return translateErrors([&] {
        return firstOf(
            selectDevices(sql_, "WHERE tenant_id = :tenant_id AND id = :id", tenantId, id));
    });
}

std::optional<Device> SqlAgentRepository::findDeviceByDeviceId(Id tenantId,
                                                               const std::string& deviceId) {
    return translateErrors([&] {
        std::string norm = normalized(deviceId);
        return firstOf(selectDevices(
            sql_, "WHERE tenant_id = :tenant_id AND device_id_norm = :device_id", tenantId, norm));
    });
}

void SqlAgentRepository::updateDevice(const Device& device) {
    translateErrors([&] {
        DeviceRow row = rowOf(device);
        SqlStatement st(sql_,
                        "UPDATE devices SET device_id = :device_id, device_id_norm = :norm, "
                        "hostname = :hostname, os = :os, login_username = :login_username, "
                        "login_domain = :login_domain, agent_version = :agent_version, "
                        "status = :status, user_id = :user_id, first_seen_at = :first_seen_at, "
                        "last_checkin_at = :last_checkin_at, decided_at = :decided_at "
                        "WHERE tenant_id = :tenant_id AND id = :id",
                        Reuse::prepared);
        forEachDeviceField(row, [&st](auto&... source) { st.use(source...); });
        st.use(row.tenantId);
        st.use(row.id);
        st.execute();
        if (st.affectedRows() == 0) {
            throw Error(ErrorCode::not_found, "no device with id " + std::to_string(device.id));
        }
    });
}

std::vector<Device> SqlAgentRepository::listDevices(Id tenantId, const DeviceFilter& filter) {
    return translateErrors([&] {
        std::string where = "WHERE tenant_id = :tenant_id AND id > :after";
        Id after = filter.afterId.value_or(0);
        std::int64_t limit = std::max<std::int64_t>(filter.limit, 0);
        std::string status = filter.status ? std::string(toString(*filter.status)) : "";
        Id userId = filter.userId.value_or(0);
        if (filter.status) where += " AND status = :status";
        if (filter.userId) where += " AND user_id = :user_id";
        where += " ORDER BY id LIMIT :limit";
        if (filter.status && filter.userId) {
            return selectDevices(sql_, where, tenantId, after, status, userId, limit);
        }
        if (filter.status) return selectDevices(sql_, where, tenantId, after, status, limit);
        if (filter.userId) return selectDevices(sql_, where, tenantId, after, userId, limit);
        return selectDevices(sql_, where, tenantId, after, limit);
    });
}

DeviceCounts SqlAgentRepository::countDevices(Id tenantId) {
    return translateErrors([&] {
        DeviceCounts counts;
        counts.pending = countWhere(sql_, tenantId, "pending");
        counts.approved = countWhere(sql_, tenantId, "approved");
        counts.rejected = countWhere(sql_, tenantId, "rejected");
        return counts;
    });
}

void SqlAgentRepository::recordAssignment(const DeviceAssignment& assignment) {
    translateErrors([&] {
        DeviceAssignment row = assignment;
        Id from = row.fromUserId.value_or(0), to = row.toUserId.value_or(0);
        soci::indicator fromInd = indicatorOf(row.fromUserId), toInd = indicatorOf(row.toUserId);
        SqlStatement st(sql_,
                        "INSERT INTO device_assignments (tenant_id, device_id, from_user_id, "
                        "to_user_id, reason, actor, occurred_at) VALUES (:tenant_id, :device_id, "
                        ":from_user_id, :to_user_id, :reason, :actor, :occurred_at)",
                        Reuse::prepared);
        st.use(row.tenantId);
        st.use(row.deviceId);
        st.use(from, fromInd);
        st.use(to, toInd);
        st.use(row.reason);
        st.use(row.actor);
        st.use(row.occurredAt);
        st.execute();
    });
}

std::vector<DeviceAssignment> SqlAgentRepository::assignmentsOf(Id tenantId, Id deviceId) {
    return translateErrors([&] {
        SqlStatement st(sql_,
                        "SELECT id, tenant_id, device_id, from_user_id, to_user_id, reason, actor, "
                        "occurred_at FROM device_assignments WHERE tenant_id = :tenant_id AND "
                        "device_id = :device_id ORDER BY id",
                        Reuse::prepared);
        DeviceAssignment row;
        Id from = 0, to = 0;
        soci::indicator fromInd = soci::i_null, toInd = soci::i_null;
        st.into(row.id);
        st.into(row.tenantId);
        st.into(row.deviceId);
        st.into(from, fromInd);
        st.into(to, toInd);
        st.into(row.reason);
        st.into(row.actor);
        st.into(row.occurredAt);
        st.use(tenantId);
        st.use(deviceId);
        std::vector<DeviceAssignment> history;
        for (bool more = st.execute(); more; more = st.fetchNext()) {
            row.fromUserId = optionalOf(from, fromInd);
            row.toUserId = optionalOf(to, toInd);
            history.push_back(row);
        }
        return history;
    });
}

std::optional<Id> SqlAgentRepository::userOwningDeviceLogin(Id tenantId, const DeviceLogin& login) {
    return translateErrors([&]() -> std::optional<Id> {
        // The exact username + domain first, then a login valid in every domain.
        SqlStatement st(sql_,
                        "SELECT user_id FROM identifiers WHERE tenant_id = :tenant_id AND "
                        "kind = 'device_login' AND value_norm = :username AND "
                        "(logon_domain_norm = :domain OR any_domain = 1) "
                        "ORDER BY any_domain, id LIMIT 1",
                        Reuse::prepared);
        Id userId = 0;
        std::string username = normalized(login.username);
        std::string domain = normalized(login.logonDomain);
        st.into(userId);
        st.use(tenantId);
        st.use(username);
        st.use(domain);
        if (!st.execute()) return std::nullopt;
        return userId;
    });
}

std::vector<Id> SqlAgentRepository::usersWithAddresses(Id tenantId,
                                                       const std::vector<std::string>& addresses) {
    return translateErrors([&] {
        std::set<Id> users;
        for (const std::string& address : addresses) {
            std::string norm = normalized(address);
            SqlStatement st(sql_,
                            "SELECT user_id FROM identifiers WHERE tenant_id = :tenant_id AND "
                            "kind IN ('upn', 'email') AND value_norm = :address "
                            "AND logon_domain_norm = '' UNION SELECT id FROM users "
                            "WHERE tenant_id = :tenant_id2 AND user_name_norm = :address2",
                            Reuse::prepared);
            Id userId = 0;
            st.into(userId);
            st.use(tenantId);
            st.use(norm);
            st.use(tenantId);
            st.use(norm);
            for (bool more = st.execute(); more; more = st.fetchNext()) users.insert(userId);
        }
        return std::vector<Id>(users.begin(), users.end());
    });
}

std::vector<LogonDomainMapping> SqlAgentRepository::logonDomains(Id tenantId) {
    return translateErrors([&] {
        SqlStatement st(sql_,
                        "SELECT logon_domain, email_domain FROM logon_domains WHERE tenant_id = "
                        ":tenant_id ORDER BY logon_domain_norm, email_domain_norm",
                        Reuse::prepared);
        std::string logonDomain, emailDomain;
        st.into(logonDomain);
        st.into(emailDomain);
        st.use(tenantId);
        std::vector<LogonDomainMapping> mappings;
        for (bool more = st.execute(); more; more = st.fetchNext()) {
            if (mappings.empty() ||
                normalized(mappings.back().logonDomain) != normalized(logonDomain)) {
                mappings.push_back({logonDomain, {}});
            }
            mappings.back().emailDomains.push_back(emailDomain);
        }
        return mappings;
    });
}

std::vector<std::string> SqlAgentRepository::emailDomainsOf(Id tenantId,
                                                            const std::string& logonDomain) {
    return translateErrors([&] {
        SqlStatement st(sql_,
                        "SELECT email_domain FROM logon_domains WHERE tenant_id = :tenant_id AND "
                        "logon_domain_norm = :logon_domain ORDER BY email_domain_norm",
                        Reuse::prepared);
        std::string norm = normalized(logonDomain), emailDomain;
        st.into(emailDomain);
        st.use(tenantId);
        st.use(norm);
        std::vector<std::string> domains;
        for (bool more = st.execute(); more; more = st.fetchNext()) domains.push_back(emailDomain);
        return domains;
    });
}

void SqlAgentRepository::replaceLogonDomain(Id tenantId, const LogonDomainMapping& mapping) {
    translateErrors([&] {
        Id tenant = tenantId;
        std::string logonNorm = normalized(mapping.logonDomain);
        sql_ << "DELETE FROM logon_domains WHERE tenant_id = :tenant_id AND "
                "logon_domain_norm = :logon_domain",
            soci::use(tenant), soci::use(logonNorm);
        std::set<std::string> seen;
        for (const std::string& emailDomain : mapping.emailDomains) {
            std::string emailNorm = normalized(emailDomain);
            if (!seen.insert(emailNorm).second) continue;
            std::string logonDomain = mapping.logonDomain, email = emailDomain;
            sql_ << "INSERT INTO logon_domains (tenant_id, logon_domain, logon_domain_norm, "
                    "email_domain, email_domain_norm) VALUES (:tenant_id, :logon_domain, "
                    ":logon_domain_norm, :email_domain, :email_domain_norm)",
                soci::use(tenant), soci::use(logonDomain), soci::use(logonNorm), soci::use(email),
                soci::use(emailNorm);
        }
    });
}

void SqlAgentRepository::rememberPlaceholder(Id tenantId, Id userId, const std::string& email) {
    translateErrors([&] {
        Id tenant = tenantId, user = userId;
        std::string norm = normalized(email);
        sql_
            << "DELETE FROM agent_placeholders WHERE tenant_id = :tenant_id AND user_id = :user_id",
            soci::use(tenant), soci::use(user);
        sql_ << "INSERT INTO agent_placeholders (tenant_id, user_id, email_norm) VALUES "
                "(:tenant_id, :user_id, :email_norm)",
            soci::use(tenant), soci::use(user), soci::use(norm);
    });
}

std::optional<std::string> SqlAgentRepository::placeholderOf(Id tenantId, Id userId) {
    return translateErrors([&]() -> std::optional<std::string> {
        SqlStatement st(sql_,
                        "SELECT email_norm FROM agent_placeholders WHERE tenant_id = :tenant_id "
                        "AND user_id = :user_id",
                        Reuse::prepared);
        std::string email;
        st.into(email);
        st.use(tenantId);
        st.use(userId);
        if (!st.execute()) return std::nullopt;
        return email;
    });
}

void SqlAgentRepository::forgetPlaceholder(Id tenantId, Id userId) {
    translateErrors([&] {
        Id tenant = tenantId, user = userId;
        sql_
            << "DELETE FROM agent_placeholders WHERE tenant_id = :tenant_id AND user_id = :user_id",
            soci::use(tenant), soci::use(user);
    });
}

}  // namespace muster::store
