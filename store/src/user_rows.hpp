#pragma once

// How a muster::User maps onto the users table.

#include <string>
#include <vector>

#include "muster/core/model.hpp"
#include "soci_headers.hpp"

namespace muster::store {

// One users row as SOCI exchanges it: enums as text, flags as 0/1, lists as
// lines, NULLs through indicators.
struct UserRow {
    Id id = 0;
    Id tenantId = 0;
    std::string userName, userNameNorm, externalId;
    std::string givenName, familyName, middleName, formattedName, honorificPrefix, honorificSuffix;
    std::string displayName, displayNameNorm;
    soci::indicator displayNameNormInd = soci::i_null;
    std::string nickName, title, userType, preferredLanguage, locale, timezone;
    std::string employeeNumber, costCenter, organization, division, department, section;
    Id managerId = 0;
    soci::indicator managerInd = soci::i_null;
    std::string team, tags, sitesMode, sites, status;
    int banned = 0, tracked = 1, profileIncomplete = 0;
    std::string identityProvider, mfaStatus;
    std::int64_t authzVersion = 1;
    Timestamp lastLoginAt = 0;
    soci::indicator lastLoginInd = soci::i_null;
    Id primaryGroupId = 0;
    soci::indicator primaryGroupInd = soci::i_null;
    Id formerManagerId = 0;
    soci::indicator formerManagerInd = soci::i_null;
    std::int64_t version = 1;
    Timestamp createdAt = 0;
    Timestamp updatedAt = 0;
};

// Calls bind(column, field) or bind(column, field, indicator) for each users
// column a caller controls. The one list behind INSERT, UPDATE and SELECT, so
// column names and bound fields cannot drift apart.
template <typename Bind>
void forEachUserField(UserRow& r, Bind&& bind) {
    bind("user_name", r.userName);
    bind("user_name_norm", r.userNameNorm);
    bind("external_id", r.externalId);
    bind("given_name", r.givenName);
    bind("family_name", r.familyName);
    bind("middle_name", r.middleName);
    bind("formatted_name", r.formattedName);
    bind("honorific_prefix", r.honorificPrefix);
    bind("honorific_suffix", r.honorificSuffix);
    bind("display_name", r.displayName);
    bind("display_name_norm", r.displayNameNorm, r.displayNameNormInd);
    bind("nick_name", r.nickName);
    bind("title", r.title);
    bind("user_type", r.userType);
    bind("preferred_language", r.preferredLanguage);
    bind("locale", r.locale);
    bind("timezone", r.timezone);
    bind("employee_number", r.employeeNumber);
    bind("cost_center", r.costCenter);
    bind("organization", r.organization);
    bind("division", r.division);
    bind("department", r.department);
    bind("section", r.section);
    bind("manager_id", r.managerId, r.managerInd);
    bind("team", r.team);
    bind("tags", r.tags);
    bind("sites_mode", r.sitesMode);
    bind("sites", r.sites);
    bind("status", r.status);
    bind("banned", r.banned);
    bind("tracked", r.tracked);
    bind("profile_incomplete", r.profileIncomplete);
    bind("identity_provider", r.identityProvider);
    bind("mfa_status", r.mfaStatus);
    bind("authz_version", r.authzVersion);
    bind("last_login_at", r.lastLoginAt, r.lastLoginInd);
    bind("primary_group_id", r.primaryGroupId, r.primaryGroupInd);
    bind("former_manager_id", r.formerManagerId, r.formerManagerInd);
}

// The column names forEachUserField visits, in its order.
const std::vector<std::string>& userFieldColumns();

UserRow rowOf(const User& user);
// Scalar fields only; identifiers, roles and groupIds are read separately.
User userOf(const UserRow& row);

}  // namespace muster::store
