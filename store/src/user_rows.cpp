#include "user_rows.hpp"

#include "sql_text.hpp"

namespace muster::store {

namespace {

template <typename T>
soci::indicator indicatorOf(const std::optional<T>& value) {
    return value ? soci::i_ok : soci::i_null;
}

template <typename T>
std::optional<T> optionalOf(T value, soci::indicator indicator) {
    if (indicator == soci::i_null) return std::nullopt;
    return value;
}

void copyNameAndProfile(const User& u, UserRow& r) {
    r.givenName = u.name.givenName;
    r.familyName = u.name.familyName;
    r.middleName = u.name.middleName;
    r.formattedName = u.name.formatted;
    r.honorificPrefix = u.name.honorificPrefix;
    r.honorificSuffix = u.name.honorificSuffix;
    r.nickName = u.nickName;
    r.title = u.title;
    r.userType = u.userType;
    r.preferredLanguage = u.preferredLanguage;
    r.locale = u.locale;
    r.timezone = u.timezone;
}

void copyOrganisation(const User& u, UserRow& r) {
    r.employeeNumber = u.employeeNumber;
    r.costCenter = u.costCenter;
    r.organization = u.organization;
    r.division = u.division;
    r.department = u.department;
    r.section = u.section;
    r.managerId = u.managerId.value_or(0);
    r.managerInd = indicatorOf(u.managerId);
    r.formerManagerId = u.formerManagerId.value_or(0);
    r.formerManagerInd = indicatorOf(u.formerManagerId);
    r.primaryGroupId = u.primaryGroupId.value_or(0);
    r.primaryGroupInd = indicatorOf(u.primaryGroupId);
    r.team = u.team;
    r.tags = joinLines(u.tags);
    r.sitesMode = sitesModeName(u.sites.mode);
    r.sites = joinLines(u.sites.sites);
}

void copyState(const User& u, UserRow& r) {
    r.status = toString(u.status);
    r.banned = u.banned ? 1 : 0;
    r.tracked = u.tracked ? 1 : 0;
    r.profileIncomplete = u.profileIncomplete ? 1 : 0;
    r.identityProvider = u.identityProvider;
    r.mfaStatus = toString(u.mfaStatus);
    r.authzVersion = u.authzVersion;
    r.lastLoginAt = u.lastLoginAt.value_or(0);
    r.lastLoginInd = indicatorOf(u.lastLoginAt);
    r.version = u.version;
    r.createdAt = u.createdAt;
    r.updatedAt = u.updatedAt;
}

void readNameAndProfile(const UserRow& r, User& u) {
    u.name.givenName = r.givenName;
    u.name.familyName = r.familyName;
    u.name.middleName = r.middleName;
    u.name.formatted = r.formattedName;
    u.name.honorificPrefix = r.honorificPrefix;
    u.name.honorificSuffix = r.honorificSuffix;
    u.nickName = r.nickName;
    u.title = r.title;
    u.userType = r.userType;
    u.preferredLanguage = r.preferredLanguage;
    u.locale = r.locale;
    u.timezone = r.timezone;
}

void readOrganisation(const UserRow& r, User& u) {
    u.employeeNumber = r.employeeNumber;
    u.costCenter = r.costCenter;
    u.organization = r.organization;
    u.division = r.division;
    u.department = r.department;
    u.section = r.section;
    u.managerId = optionalOf(r.managerId, r.managerInd);
    u.formerManagerId = optionalOf(r.formerManagerId, r.formerManagerInd);
    u.primaryGroupId = optionalOf(r.primaryGroupId, r.primaryGroupInd);
    u.team = r.team;
    u.tags = splitLines(r.tags);
    u.sites.mode = parseSitesMode(r.sitesMode);
    u.sites.sites = splitLines(r.sites);
}

void readState(const UserRow& r, User& u) {
    u.status = parseUserStatus(r.status).value_or(UserStatus::active);
    u.banned = r.banned != 0;
    u.tracked = r.tracked != 0;
    u.profileIncomplete = r.profileIncomplete != 0;
    u.identityProvider = r.identityProvider;
    u.mfaStatus = parseMfaStatus(r.mfaStatus);
    u.authzVersion = r.authzVersion;
    u.lastLoginAt = optionalOf(r.lastLoginAt, r.lastLoginInd);
    u.version = r.version;
    u.createdAt = r.createdAt;
    u.updatedAt = r.updatedAt;
}

}  // namespace

const std::vector<std::string>& userFieldColumns() {
    static const std::vector<std::string> columns = [] {
        std::vector<std::string> names;
        UserRow scratch;
        forEachUserField(scratch, [&](const char* column, auto&...) { names.push_back(column); });
        return names;
    }();
    return columns;
}

UserRow rowOf(const User& user) {
    UserRow row;
    row.id = user.id;
    row.tenantId = user.tenantId;
    row.userName = user.userName;
    row.userNameNorm = normalized(user.userName);
    row.externalId = user.externalId;
    row.displayName = user.displayName;
    // NULL rather than '' so that users without a display name never collide.
    row.displayNameNorm = normalized(user.displayName);
    row.displayNameNormInd = user.displayName.empty() ? soci::i_null : soci::i_ok;
    copyNameAndProfile(user, row);
    copyOrganisation(user, row);
    copyState(user, row);
    return row;
}

User userOf(const UserRow& row) {
    User user;
    user.id = row.id;
    user.tenantId = row.tenantId;
    user.userName = row.userName;
    user.externalId = row.externalId;
    user.displayName = row.displayName;
    readNameAndProfile(row, user);
    readOrganisation(row, user);
    readState(row, user);
    return user;
}

}  // namespace muster::store
