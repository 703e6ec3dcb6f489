#include "admin_user_json.hpp"

#include <set>

#include "muster/core/error.hpp"
#include "muster/daemon/admin_api.hpp"
#include "muster/daemon/json_body.hpp"
#include "muster/policies/primary_group.hpp"

namespace muster::daemon {

namespace {

nlohmann::json optionalTime(const std::optional<Timestamp>& time) {
    return time ? nlohmann::json(formatTimestamp(*time)) : nlohmann::json(nullptr);
}

std::string sitesModeName(SiteAccess::Mode mode) {
    switch (mode) {
        case SiteAccess::Mode::all:
            return "all";
        case SiteAccess::Mode::listed:
            return "listed";
        case SiteAccess::Mode::none:
            break;
    }
    return "none";
}

nlohmann::json managerJson(Transaction& tx, const User& user) {
    if (user.managerId) return userReferenceJson(tx, user.tenantId, *user.managerId);
    if (user.formerManagerId) return userReferenceJson(tx, user.tenantId, *user.formerManagerId);
    return nullptr;
}

nlohmann::json primaryGroupJson(Transaction& tx, const User& user) {
    std::vector<policies::GroupGoal> goals;
    for (Id groupId : user.groupIds) {
        if (std::optional<Group> group = tx.groups().findById(user.tenantId, groupId, false)) {
            goals.push_back({group->id, group->productiveHoursGoal});
        }
    }
    std::optional<std::int64_t> primary = policies::primaryGroup(goals, user.primaryGroupId);
    if (!primary) return nullptr;
    return {{"id", *primary},
            {"chosen", user.primaryGroupId && *user.primaryGroupId == *primary ? "explicit"
                                                                               : "highest goal"}};
}

std::string stringMember(const nlohmann::json& body, const char* key) {
    return optionalString(body, key);
}

void applyName(const nlohmann::json& name, User& user) {
    if (!name.is_object()) {
        throw Error(ErrorCode::invalid_input, "name: expected an object", "name");
    }
    static const std::set<std::string> known = {"givenName", "familyName",      "middleName",
                                                "formatted", "honorificPrefix", "honorificSuffix"};
    for (const auto& [key, value] : name.items()) {
        if (!known.count(key)) {
            throw Error(ErrorCode::invalid_input, "name." + key + " is not a known attribute",
                        "name." + key);
        }
    }
    if (name.contains("givenName")) user.name.givenName = stringMember(name, "givenName");
    if (name.contains("familyName")) user.name.familyName = stringMember(name, "familyName");
    if (name.contains("middleName")) user.name.middleName = stringMember(name, "middleName");
    if (name.contains("formatted")) user.name.formatted = stringMember(name, "formatted");
    if (name.contains("honorificPrefix")) {
        user.name.honorificPrefix = stringMember(name, "honorificPrefix");
    }
    if (name.contains("honorificSuffix")) {
        user.name.honorificSuffix = stringMember(name, "honorificSuffix");
    }
}

SiteAccess sitesFromJson(const nlohmann::json& value) {
    SiteAccess access;
    if (value.is_string() && (value == "all" || value == "none")) {
        access.mode = value == "all" ? SiteAccess::Mode::all : SiteAccess::Mode::none;
        return access;
    }
    if (value.is_array()) {
        access.mode = value.empty() ? SiteAccess::Mode::none : SiteAccess::Mode::listed;
        access.sites = *optionalStrings(nlohmann::json{{"sites", value}}, "sites");
        return access;
    }
    throw Error(ErrorCode::invalid_input,
                "sites: expected \"all\", \"none\" or a list of site names", "sites");
}

std::optional<Id> managerFromJson(const nlohmann::json& value) {
    if (value.is_null()) return std::nullopt;
    if (value.is_number_integer() && value.get<long long>() > 0) return value.get<Id>();
    throw Error(ErrorCode::invalid_input, "managerId: expected a user id or null", "managerId");
}

std::vector<Identifier> identifiersFromJson(const nlohmann::json& value) {
    if (!value.is_array()) {
        throw Error(ErrorCode::invalid_input, "identifiers: expected a list", "identifiers");
    }
    std::vector<Identifier> identifiers;
    for (const nlohmann::json& item : value) identifiers.push_back(identifierFromJson(item));
    return identifiers;
}

void applyScalar(const std::string& key, const nlohmann::json& body, User& user) {
    static const std::map<std::string, std::string User::*> texts = {
        {"displayName", &User::displayName},
        {"externalId", &User::externalId},
        {"nickName", &User::nickName},
        {"title", &User::title},
        {"userType", &User::userType},
        {"preferredLanguage", &User::preferredLanguage},
        {"locale", &User::locale},
        {"timezone", &User::timezone},
        {"employeeNumber", &User::employeeNumber},
        {"costCenter", &User::costCenter},
        {"organization", &User::organization},
        {"division", &User::division},
        {"department", &User::department},
        {"section", &User::section},
        {"team", &User::team},
    };
    auto found = texts.find(key);
    if (found == texts.end()) {
        throw Error(ErrorCode::invalid_input, key + " is not a known attribute of a user", key);
    }
    user.*(found->second) = stringMember(body, key.c_str());
}

}  // namespace

nlohmann::json identifierJson(const Identifier& identifier) {
    nlohmann::json json = {{"id", identifier.id},
                           {"kind", std::string(toString(identifier.kind))},
                           {"value", identifier.value}};
    if (identifier.kind == IdentifierKind::device_login) {
        json["logonDomain"] = identifier.logonDomain;
        json["anyDomain"] = identifier.anyDomain;
    }
    if (identifier.kind == IdentifierKind::email) {
        json["type"] = identifier.type;
        json["primary"] = identifier.primary;
    }
    return json;
}

Identifier identifierFromJson(const nlohmann::json& item) {
    if (!item.is_object()) {
        throw Error(ErrorCode::invalid_input, "identifiers: each identifier is an object",
                    "identifiers");
    }
    Identifier identifier;
    const std::string kind = optionalString(item, "kind");
    std::optional<IdentifierKind> parsed = parseIdentifierKind(kind);
    if (!parsed) {
        throw Error(ErrorCode::invalid_input,
                    "identifiers: kind \"" + kind +
                        "\" is not one of upn, email, employee_id, device_login",
                    "identifiers");
    }
    identifier.kind = *parsed;
    identifier.value = optionalString(item, "value");
    identifier.logonDomain = optionalString(item, "logonDomain");
    identifier.anyDomain = optionalBool(item, "anyDomain").value_or(false);
    identifier.type = optionalString(item, "type");
    identifier.primary = optionalBool(item, "primary").value_or(false);
    return identifier;
}

nlohmann::json adminUserJson(Transaction& tx, const User& user) {
    nlohmann::json identifiers = nlohmann::json::array();
    for (const Identifier& identifier : user.identifiers) {
        identifiers.push_back(identifierJson(identifier));
    }
    return {
        {"id", user.id},
        {"userName", user.userName},
        {"displayName", user.displayName},
        {"displayId", displayIdentifier(user)},
        {"externalId", user.externalId},
        {"name", {{"givenName", user.name.givenName}, {"familyName", user.name.familyName}}},
        {"status", std::string(toString(user.status))},
        {"banned", user.banned},
        {"tracked", user.tracked},
        {"profileIncomplete", user.profileIncomplete},
        {"identityProvider", user.identityProvider},
        {"mfaStatus", std::string(toString(user.mfaStatus))},
        {"authzVersion", user.authzVersion},
        {"title", user.title},
        {"employeeNumber", user.employeeNumber},
        {"department", user.department},
        {"section", user.section},
        {"team", user.team},
        {"tags", user.tags},
        {"sites", {{"mode", sitesModeName(user.sites.mode)}, {"list", user.sites.sites}}},
        {"manager", managerJson(tx, user)},
        {"roles", user.roles},
        {"groups", user.groupIds},
        {"primaryGroup", primaryGroupJson(tx, user)},
        {"identifiers", identifiers},
        {"created", formatTimestamp(user.createdAt)},
        {"updated", formatTimestamp(user.updatedAt)},
        {"lastLogin", optionalTime(user.lastLoginAt)},
        {"version", user.version},
    };
}

void applyUserJson(const nlohmann::json& body, User& user, bool creating) {
    for (const auto& [key, value] : body.items()) {
        if (key == "userName") {
            user.userName = optionalString(body, "userName");
        } else if (key == "name") {
            applyName(value, user);
        } else if (key == "tags") {
            user.tags = optionalStrings(body, "tags").value_or(std::vector<std::string>{});
        } else if (key == "roles") {
            user.roles = optionalStrings(body, "roles").value_or(std::vector<std::string>{});
        } else if (key == "sites") {
            user.sites = sitesFromJson(value);
        } else if (key == "managerId") {
            user.managerId = managerFromJson(value);
        } else if (key == "identifiers") {
            user.identifiers = identifiersFromJson(value);
        } else if (key == "status" && creating) {
            std::optional<UserStatus> status =
                value.is_string() ? parseUserStatus(value.get<std::string>()) : std::nullopt;
            if (!status) {
                throw Error(ErrorCode::invalid_input,
                            "status: expected invited, active or deactivated", "status");
            }
            user.status = *status;
        } else if (key == "status" || key == "banned" || key == "tracked") {
            throw Error(ErrorCode::invalid_input,
                        key +
                            " changes through its own action (activate, deactivate, ban, "
                            "unban, track, untrack), not an edit",
                        key);
        } else {
            applyScalar(key, body, user);
        }
    }
}

}  // namespace muster::daemon
