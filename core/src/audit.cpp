#include "muster/core/audit.hpp"

namespace muster {

namespace {

std::string join(const std::vector<std::string>& values) {
    std::string joined;
    for (const std::string& value : values) {
        if (!joined.empty()) joined += ", ";
        joined += value;
    }
    return joined;
}

std::string describe(const Identifier& identifier) {
    std::string text = std::string(toString(identifier.kind)) + ":" + identifier.value;
    if (identifier.kind == IdentifierKind::device_login) {
        text += "@" + (identifier.anyDomain ? std::string("*") : identifier.logonDomain);
    }
    return text;
}

std::string describe(const SiteAccess& sites) {
    switch (sites.mode) {
        case SiteAccess::Mode::none: return "none";
        case SiteAccess::Mode::all: return "all";
        case SiteAccess::Mode::listed: return join(sites.sites);
    }
    return "none";
}

}  // namespace

Snapshot snapshotOf(const User& user) {
    std::vector<std::string> identifiers;
    for (const Identifier& identifier : user.identifiers) identifiers.push_back(describe(identifier));
    Snapshot snapshot{
        {"userName", user.userName},
        {"externalId", user.externalId},
        {"givenName", user.name.givenName},
        {"familyName", user.name.familyName},
        {"displayName", user.displayName},
        {"title", user.title},
        {"employeeNumber", user.employeeNumber},
        {"department", user.department},
        {"section", user.section},
        {"manager", user.managerId ? std::to_string(*user.managerId) : ""},
        {"team", user.team},
        {"tags", join(user.tags)},
        {"sites", describe(user.sites)},
        {"identifiers", join(identifiers)},
        {"roles", join(user.roles)},
        {"status", std::string(toString(user.status))},
        {"banned", user.banned ? "true" : "false"},
        {"tracked", user.tracked ? "true" : "false"},
        {"identityProvider", user.identityProvider},
    };
    // Empty fields say nothing and make the trail harder to read.
    std::erase_if(snapshot, [](const auto& field) { return field.second.empty(); });
    return snapshot;
}

Snapshot snapshotOf(const Group& group) {
    Snapshot snapshot{{"displayName", group.displayName}, {"externalId", group.externalId}};
    if (group.productiveHoursGoal) {
        snapshot["productiveHoursGoal"] = std::to_string(*group.productiveHoursGoal);
    }
    std::erase_if(snapshot, [](const auto& field) { return field.second.empty(); });
    return snapshot;
}

Snapshot snapshotOf(const ApiToken& token) {
    std::vector<std::string> scopes;
    for (TokenScope scope : token.scopes) scopes.emplace_back(toString(scope));
    Snapshot snapshot{{"name", token.name}, {"scopes", join(scopes)}};
    if (token.userId) snapshot["actsForUser"] = std::to_string(*token.userId);
    return snapshot;
}

}  // namespace muster
