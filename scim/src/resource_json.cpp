#include "muster/scim/resource_json.hpp"

#include <algorithm>

#include "muster/core/error.hpp"
#include "muster/scim/schema.hpp"

namespace muster::scim {

using nlohmann::json;

namespace {

// SCIM attribute names are case-insensitive (RFC 7643 §2.1).
const json* member(const json& object, std::string_view name) {
    if (!object.is_object()) return nullptr;
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (equalsIgnoreCase(it.key(), name)) return &it.value();
    }
    return nullptr;
}

[[noreturn]] void wrongType(const std::string& attribute, const char* expected) {
    throw Error(ErrorCode::invalid_input, "attribute \"" + attribute + "\" must be " + expected,
                attribute);
}

std::string stringOf(const json& object, std::string_view name, const std::string& label) {
    const json* value = member(object, name);
    if (value == nullptr || value->is_null()) return {};
    if (value->is_string()) return value->get<std::string>();
    wrongType(label, "a string");
}

bool boolOf(const json& object, std::string_view name, const std::string& label, bool fallback) {
    const json* value = member(object, name);
    if (value == nullptr || value->is_null()) return fallback;
    std::optional<bool> parsed = lenientBool(*value);
    if (!parsed) wrongType(label, "a boolean");
    return *parsed;
}

std::vector<std::string> stringsOf(const json& object, std::string_view name,
                                   const std::string& label) {
    std::vector<std::string> values;
    const json* list = member(object, name);
    if (list == nullptr || list->is_null()) return values;
    if (!list->is_array()) wrongType(label, "a list of strings");
    for (const json& item : *list) {
        if (!item.is_string()) wrongType(label, "a list of strings");
        values.push_back(item.get<std::string>());
    }
    return values;
}

const json& objectOrEmpty(const json& body, std::string_view name, const std::string& label) {
    static const json empty = json::object();
    const json* value = member(body, name);
    if (value == nullptr || value->is_null()) return empty;
    if (!value->is_object()) wrongType(label, "an object");
    return *value;
}

void putIfSet(json& object, const char* name, const std::string& value) {
    if (!value.empty()) object[name] = value;
}

// Every schema the body names, in "schemas" or as an extension key, must be
// one of the resource type's; unknown attributes of known schemas are ignored.
void checkSchemas(const json& body, const ResourceTypeDef& type) {
    if (!body.is_object()) {
        throw Error(ErrorCode::invalid_syntax, "the request body must be a JSON object");
    }
    const SchemaRegistry& registry = SchemaRegistry::instance();
    if (const json* schemas = member(body, "schemas"); schemas != nullptr) {
        if (!schemas->is_array()) wrongType("schemas", "a list of schema URNs");
        for (const json& urn : *schemas) {
            if (!urn.is_string() || !registry.isSchemaOf(type, urn.get<std::string>())) {
                throw Error(ErrorCode::invalid_syntax,
                            "unknown schema " + urn.dump() + " for a " + type.name, "schemas");
            }
        }
    }
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (it.key().rfind("urn:", 0) == 0 && !registry.isSchemaOf(type, it.key())) {
            throw Error(ErrorCode::invalid_syntax,
                        "unknown schema extension \"" + it.key() + "\" for a " + type.name,
                        it.key());
        }
    }
}

std::optional<Id> referencedId(const json& value, const std::string& label) {
    if (value.is_null()) return std::nullopt;
    std::string text;
    if (value.is_string()) {
        text = value.get<std::string>();
    } else if (value.is_object()) {
        text = stringOf(value, "value", label + ".value");
    } else {
        wrongType(label, "an object with a value, or an id");
    }
    if (text.empty()) return std::nullopt;  // "" clears (Entra, Okta)
    std::optional<Id> id = parseId(text);
    if (!id) {
        throw Error(ErrorCode::invalid_input, label + ": \"" + text + "\" is not a user id", label);
    }
    return id;
}

std::vector<Identifier> emailsFromScim(const json& body) {
    std::vector<Identifier> emails;
    const json* list = member(body, "emails");
    if (list == nullptr || list->is_null()) return emails;
    if (!list->is_array()) wrongType("emails", "a list");
    for (const json& item : *list) {
        if (!item.is_object()) wrongType("emails", "a list of objects");
        Identifier email;
        email.kind = IdentifierKind::email;
        email.value = stringOf(item, "value", "emails.value");
        email.type = stringOf(item, "type", "emails.type");
        email.primary = boolOf(item, "primary", "emails.primary", false);
        if (email.value.empty()) continue;  // an empty entry says nothing
        // The same address twice in one request is one address.
        auto same = std::find_if(emails.begin(), emails.end(), [&](const Identifier& other) {
            return equalsIgnoreCase(other.value, email.value);
        });
        if (same == emails.end()) emails.push_back(email);
    }
    return emails;
}

std::vector<Identifier> otherIdentifiersFromScim(const json& extension) {
    std::vector<Identifier> identifiers;
    const json* list = member(extension, "identifiers");
    if (list == nullptr || list->is_null()) return identifiers;
    if (!list->is_array()) wrongType("identifiers", "a list");
    for (const json& item : *list) {
        if (!item.is_object()) wrongType("identifiers", "a list of objects");
        Identifier identifier;
        const std::string kind = stringOf(item, "kind", "identifiers.kind");
        std::optional<IdentifierKind> parsed = parseIdentifierKind(kind);
        if (!parsed || *parsed == IdentifierKind::email) {
            throw Error(ErrorCode::invalid_input,
                        "identifiers.kind \"" + kind +
                            "\" must be upn, employee_id or device_login (emails go in emails)",
                        "identifiers");
        }
        identifier.kind = *parsed;
        identifier.value = stringOf(item, "value", "identifiers.value");
        identifier.logonDomain = stringOf(item, "logonDomain", "identifiers.logonDomain");
        identifier.anyDomain = boolOf(item, "anyDomain", "identifiers.anyDomain", false);
        if (identifier.value.empty()) {
            throw Error(ErrorCode::invalid_input, "identifiers.value must not be empty",
                        "identifiers");
        }
        identifiers.push_back(identifier);
    }
    return identifiers;
}

SiteAccess sitesFromScim(const json& extension) {
    SiteAccess access;
    const std::string mode = stringOf(extension, "sitesMode", "sitesMode");
    access.sites = stringsOf(extension, "sites", "sites");
    if (mode == "all") {
        access.mode = SiteAccess::Mode::all;
        access.sites.clear();
    } else if (mode == "listed" || (mode.empty() && !access.sites.empty())) {
        access.mode = SiteAccess::Mode::listed;
    } else if (mode.empty() || mode == "none") {
        access.mode = SiteAccess::Mode::none;
        access.sites.clear();
    } else {
        throw Error(ErrorCode::invalid_input, "sitesMode must be all, none or listed", "sitesMode");
    }
    return access;
}

json emailsToScim(const User& user) {
    json emails = json::array();
    for (const Identifier& identifier : user.identifiers) {
        if (identifier.kind != IdentifierKind::email) continue;
        json email = {{"value", identifier.value}};
        putIfSet(email, "type", identifier.type);
        if (identifier.primary) email["primary"] = true;
        emails.push_back(email);
    }
    return emails;
}

json musterExtensionToScim(const User& user) {
    json identifiers = json::array();
    for (const Identifier& identifier : user.identifiers) {
        if (identifier.kind == IdentifierKind::email) continue;
        json item = {{"kind", toString(identifier.kind)}, {"value", identifier.value}};
        if (identifier.kind == IdentifierKind::device_login) {
            item["logonDomain"] = identifier.logonDomain;
            item["anyDomain"] = identifier.anyDomain;
        }
        identifiers.push_back(item);
    }
    static const char* modes[] = {"none", "all", "listed"};
    json extension = {{"displayId", displayIdentifier(user)},
                      {"tracked", user.tracked},
                      {"sitesMode", modes[static_cast<int>(user.sites.mode)]},
                      {"roles", user.roles},
                      {"banned", user.banned},
                      {"status", toString(user.status)},
                      {"profileIncomplete", user.profileIncomplete},
                      {"identityProvider", user.identityProvider},
                      {"mfaStatus", toString(user.mfaStatus)}};
    if (!identifiers.empty()) extension["identifiers"] = identifiers;
    putIfSet(extension, "section", user.section);
    putIfSet(extension, "team", user.team);
    if (!user.tags.empty()) extension["tags"] = user.tags;
    if (user.sites.mode == SiteAccess::Mode::listed) extension["sites"] = user.sites.sites;
    return extension;
}

json enterpriseToScim(const User& user, const Links& links) {
    json enterprise = json::object();
    putIfSet(enterprise, "employeeNumber", user.employeeNumber);
    putIfSet(enterprise, "costCenter", user.costCenter);
    putIfSet(enterprise, "organization", user.organization);
    putIfSet(enterprise, "division", user.division);
    putIfSet(enterprise, "department", user.department);
    if (user.managerId) {
        enterprise["manager"] = {{"value", idText(*user.managerId)},
                                 {"$ref", links.baseUrl + "/Users/" + idText(*user.managerId)}};
    }
    return enterprise;
}

json metaOf(const char* resourceType, const std::string& location, Timestamp created,
            Timestamp modified, std::int64_t version) {
    return {{"resourceType", resourceType},
            {"created", formatTimestamp(created)},
            {"lastModified", formatTimestamp(modified)},
            {"location", location},
            {"version", etagOf(version)}};
}

}  // namespace

std::string etagOf(std::int64_t version) { return "W/\"" + std::to_string(version) + "\""; }

std::string idText(Id id) { return std::to_string(id); }

std::optional<Id> parseId(const std::string& text) {
    if (text.empty() || text.size() > 18) return std::nullopt;
    Id id = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        id = id * 10 + (c - '0');
    }
    return id > 0 ? std::optional<Id>(id) : std::nullopt;
}

std::optional<bool> lenientBool(const json& value) {
    if (value.is_boolean()) return value.get<bool>();
    if (value.is_string()) {
        const std::string text = value.get<std::string>();
        if (equalsIgnoreCase(text, "true")) return true;
        if (equalsIgnoreCase(text, "false")) return false;
    }
    return std::nullopt;
}

json userToScim(const User& user, const Links& links) {
    const std::string location = links.baseUrl + "/Users/" + idText(user.id);
    json out = {{"schemas", {kUserSchema, kEnterpriseUserSchema, kMusterUserSchema}},
                {"id", idText(user.id)},
                {"userName", user.userName},
                {"active", user.status == UserStatus::active}};
    putIfSet(out, "externalId", user.externalId);
    json name = json::object();
    putIfSet(name, "formatted", user.name.formatted);
    putIfSet(name, "familyName", user.name.familyName);
    putIfSet(name, "givenName", user.name.givenName);
    putIfSet(name, "middleName", user.name.middleName);
    putIfSet(name, "honorificPrefix", user.name.honorificPrefix);
    putIfSet(name, "honorificSuffix", user.name.honorificSuffix);
    if (!name.empty()) out["name"] = name;
    putIfSet(out, "displayName", user.displayName);
    putIfSet(out, "nickName", user.nickName);
    putIfSet(out, "title", user.title);
    putIfSet(out, "userType", user.userType);
    putIfSet(out, "preferredLanguage", user.preferredLanguage);
    putIfSet(out, "locale", user.locale);
    putIfSet(out, "timezone", user.timezone);
    if (json emails = emailsToScim(user); !emails.empty()) out["emails"] = emails;
    if (!user.groupIds.empty()) {
        json groups = json::array();
        for (Id group : user.groupIds) {
            groups.push_back({{"value", idText(group)},
                              {"$ref", links.baseUrl + "/Groups/" + idText(group)},
                              {"type", "direct"}});
        }
        out["groups"] = groups;
    }
    if (json enterprise = enterpriseToScim(user, links); !enterprise.empty()) {
        out[std::string(kEnterpriseUserSchema)] = enterprise;
    }
    out[std::string(kMusterUserSchema)] = musterExtensionToScim(user);
    out["meta"] = metaOf("User", location, user.createdAt, user.updatedAt, user.version);
    return out;
}

User userFromScim(const json& body, User user) {
    checkSchemas(body, SchemaRegistry::instance().resourceType("User"));
    user.userName = stringOf(body, "userName", "userName");
    user.externalId = stringOf(body, "externalId", "externalId");
    const json& name = objectOrEmpty(body, "name", "name");
    user.name.formatted = stringOf(name, "formatted", "name.formatted");
    user.name.familyName = stringOf(name, "familyName", "name.familyName");
    user.name.givenName = stringOf(name, "givenName", "name.givenName");
    user.name.middleName = stringOf(name, "middleName", "name.middleName");
    user.name.honorificPrefix = stringOf(name, "honorificPrefix", "name.honorificPrefix");
    user.name.honorificSuffix = stringOf(name, "honorificSuffix", "name.honorificSuffix");
    user.displayName = stringOf(body, "displayName", "displayName");
    user.nickName = stringOf(body, "nickName", "nickName");
    user.title = stringOf(body, "title", "title");
    user.userType = stringOf(body, "userType", "userType");
    user.preferredLanguage = stringOf(body, "preferredLanguage", "preferredLanguage");
    user.locale = stringOf(body, "locale", "locale");
    user.timezone = stringOf(body, "timezone", "timezone");
    // Absent "active" keeps the status the user has (active for a new user,
    // RFC 7643 leaves the default to the server): a PATCH that removes
    // "active" or a PUT without it must not reactivate anyone.
    if (member(body, "active") != nullptr) {
        const bool active = boolOf(body, "active", "active", true);
        if (!active) {
            user.status = UserStatus::deactivated;
        } else if (user.status == UserStatus::deactivated) {
            user.status = UserStatus::active;
        }
    }

    const json& enterprise =
        objectOrEmpty(body, kEnterpriseUserSchema, std::string(kEnterpriseUserSchema));
    user.employeeNumber = stringOf(enterprise, "employeeNumber", "employeeNumber");
    user.costCenter = stringOf(enterprise, "costCenter", "costCenter");
    user.organization = stringOf(enterprise, "organization", "organization");
    user.division = stringOf(enterprise, "division", "division");
    user.department = stringOf(enterprise, "department", "department");
    const json* manager = member(enterprise, "manager");
    user.managerId = manager ? referencedId(*manager, "manager") : std::nullopt;

    const json& extension = objectOrEmpty(body, kMusterUserSchema, std::string(kMusterUserSchema));
    user.identifiers = emailsFromScim(body);
    for (Identifier& identifier : otherIdentifiersFromScim(extension)) {
        user.identifiers.push_back(std::move(identifier));
    }
    user.tracked = boolOf(extension, "tracked", "tracked", true);
    user.section = stringOf(extension, "section", "section");
    user.team = stringOf(extension, "team", "team");
    user.tags = stringsOf(extension, "tags", "tags");
    user.sites = sitesFromScim(extension);
    if (member(extension, "roles") != nullptr) user.roles = stringsOf(extension, "roles", "roles");
    user.banned = boolOf(extension, "banned", "banned", false);
    const std::string provider = stringOf(extension, "identityProvider", "identityProvider");
    if (!provider.empty()) user.identityProvider = provider;
    return user;
}

json groupToScim(const Group& group, const Links& links, bool withMembers) {
    json out = {
        {"schemas", {kGroupSchema}}, {"id", idText(group.id)}, {"displayName", group.displayName}};
    putIfSet(out, "externalId", group.externalId);
    if (withMembers) {
        json members = json::array();
        for (const GroupMember& m : group.members) {
            const bool isUser = m.kind == GroupMember::Kind::user;
            json item = {{"value", idText(m.id)},
                         {"$ref", links.baseUrl + (isUser ? "/Users/" : "/Groups/") + idText(m.id)},
                         {"type", isUser ? "User" : "Group"}};
            putIfSet(item, "display", m.display);
            members.push_back(item);
        }
        out["members"] = members;
    }
    out["meta"] = metaOf("Group", links.baseUrl + "/Groups/" + idText(group.id), group.createdAt,
                         group.updatedAt, group.version);
    return out;
}

std::vector<MemberRef> membersFromScim(const json& members) {
    std::vector<MemberRef> refs;
    if (members.is_null()) return refs;
    const json list = members.is_array() ? members : json::array({members});
    for (const json& item : list) {
        if (!item.is_object()) wrongType("members", "a list of objects with a value");
        const std::string value = stringOf(item, "value", "members.value");
        std::optional<Id> id = parseId(value);
        if (!id) {
            throw Error(ErrorCode::invalid_input,
                        "members.value \"" + value + "\" is not the id of a user or group",
                        "members");
        }
        MemberRef ref{*id, std::nullopt};
        const std::string type = stringOf(item, "type", "members.type");
        if (equalsIgnoreCase(type, "User")) ref.kind = GroupMember::Kind::user;
        if (equalsIgnoreCase(type, "Group")) ref.kind = GroupMember::Kind::group;
        refs.push_back(ref);
    }
    return refs;
}

Group groupFromScim(const json& body, Group group) {
    checkSchemas(body, SchemaRegistry::instance().resourceType("Group"));
    group.displayName = stringOf(body, "displayName", "displayName");
    group.externalId = stringOf(body, "externalId", "externalId");
    return group;
}

}  // namespace muster::scim
