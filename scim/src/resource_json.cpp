#include "muster/scim/resource_json.hpp"

#include <algorithm>

#include "muster/core/error.hpp"
#include "muster/scim/json_writer.hpp"
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

void writeEmails(JsonWriter& out, const User& user) {
    bool any = false;
    for (const Identifier& identifier : user.identifiers) {
        if (identifier.kind != IdentifierKind::email) continue;
        if (!any) out.key("emails").beginArray();
        any = true;
        out.beginObject().member("value", identifier.value).memberIfSet("type", identifier.type);
        if (identifier.primary) out.member("primary", true);
        out.endObject();
    }
    if (any) out.endArray();
}

void writeGroupRefs(JsonWriter& out, const User& user, const Links& links) {
    if (user.groupIds.empty()) return;
    out.key("groups").beginArray();
    for (Id group : user.groupIds) {
        out.beginObject()
            .member("value", idText(group))
            .member("$ref", links.baseUrl + "/Groups/" + idText(group))
            .member("type", "direct")
            .endObject();
    }
    out.endArray();
}

void writeStrings(JsonWriter& out, std::string_view name, const std::vector<std::string>& values) {
    out.key(name).beginArray();
    for (const std::string& value : values) out.value(value);
    out.endArray();
}

void writeOtherIdentifiers(JsonWriter& out, const User& user) {
    bool any = false;
    for (const Identifier& identifier : user.identifiers) {
        if (identifier.kind == IdentifierKind::email) continue;
        if (!any) out.key("identifiers").beginArray();
        any = true;
        out.beginObject()
            .member("kind", toString(identifier.kind))
            .member("value", identifier.value);
        if (identifier.kind == IdentifierKind::device_login) {
            out.member("logonDomain", identifier.logonDomain)
                .member("anyDomain", identifier.anyDomain);
        }
        out.endObject();
    }
    if (any) out.endArray();
}

void writeMusterExtension(JsonWriter& out, const User& user) {
    static const char* modes[] = {"none", "all", "listed"};
    out.key(kMusterUserSchema).beginObject();
    out.member("displayId", displayIdentifier(user))
        .member("tracked", user.tracked)
        .member("sitesMode", modes[static_cast<int>(user.sites.mode)]);
    writeStrings(out, "roles", user.roles);
    out.member("banned", user.banned)
        .member("status", toString(user.status))
        .member("profileIncomplete", user.profileIncomplete)
        .member("identityProvider", user.identityProvider)
        .member("mfaStatus", toString(user.mfaStatus));
    writeOtherIdentifiers(out, user);
    out.memberIfSet("section", user.section).memberIfSet("team", user.team);
    if (!user.tags.empty()) writeStrings(out, "tags", user.tags);
    if (user.sites.mode == SiteAccess::Mode::listed) writeStrings(out, "sites", user.sites.sites);
    out.endObject();
}

bool hasEnterpriseAttributes(const User& user) {
    return !user.employeeNumber.empty() || !user.costCenter.empty() || !user.organization.empty() ||
           !user.division.empty() || !user.department.empty() || user.managerId.has_value();
}

void writeEnterpriseExtension(JsonWriter& out, const User& user, const Links& links) {
    if (!hasEnterpriseAttributes(user)) return;
    out.key(kEnterpriseUserSchema).beginObject();
    out.memberIfSet("employeeNumber", user.employeeNumber)
        .memberIfSet("costCenter", user.costCenter)
        .memberIfSet("organization", user.organization)
        .memberIfSet("division", user.division)
        .memberIfSet("department", user.department);
    if (user.managerId) {
        out.key("manager")
            .beginObject()
            .member("value", idText(*user.managerId))
            .member("$ref", links.baseUrl + "/Users/" + idText(*user.managerId))
            .endObject();
    }
    out.endObject();
}

bool hasName(const PersonName& name) {
    return !name.formatted.empty() || !name.familyName.empty() || !name.givenName.empty() ||
           !name.middleName.empty() || !name.honorificPrefix.empty() ||
           !name.honorificSuffix.empty();
}

void writeName(JsonWriter& out, const PersonName& name) {
    if (!hasName(name)) return;
    out.key("name")
        .beginObject()
        .memberIfSet("formatted", name.formatted)
        .memberIfSet("familyName", name.familyName)
        .memberIfSet("givenName", name.givenName)
        .memberIfSet("middleName", name.middleName)
        .memberIfSet("honorificPrefix", name.honorificPrefix)
        .memberIfSet("honorificSuffix", name.honorificSuffix)
        .endObject();
}

void writeMeta(JsonWriter& out, const char* resourceType, const std::string& location,
               Timestamp created, Timestamp modified, std::int64_t version) {
    out.key("meta")
        .beginObject()
        .member("resourceType", resourceType)
        .member("created", formatTimestamp(created))
        .member("lastModified", formatTimestamp(modified))
        .member("location", location)
        .member("version", etagOf(version))
        .endObject();
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

std::string userLocation(Id id, const Links& links) {
    return links.baseUrl + "/Users/" + idText(id);
}

std::string groupLocation(Id id, const Links& links) {
    return links.baseUrl + "/Groups/" + idText(id);
}

std::string userToScimText(const User& user, const Links& links) {
    JsonWriter out;
    out.beginObject().key("schemas").beginArray();
    out.value(kUserSchema).value(kEnterpriseUserSchema).value(kMusterUserSchema).endArray();
    out.member("id", idText(user.id)).memberIfSet("externalId", user.externalId);
    out.member("userName", user.userName).member("active", user.status == UserStatus::active);
    writeName(out, user.name);
    out.memberIfSet("displayName", user.displayName)
        .memberIfSet("nickName", user.nickName)
        .memberIfSet("title", user.title)
        .memberIfSet("userType", user.userType)
        .memberIfSet("preferredLanguage", user.preferredLanguage)
        .memberIfSet("locale", user.locale)
        .memberIfSet("timezone", user.timezone);
    writeEmails(out, user);
    writeGroupRefs(out, user, links);
    writeEnterpriseExtension(out, user, links);
    writeMusterExtension(out, user);
    writeMeta(out, "User", userLocation(user.id, links), user.createdAt, user.updatedAt,
              user.version);
    out.endObject();
    return out.take();
}

json userToScim(const User& user, const Links& links) {
    return json::parse(userToScimText(user, links));
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

std::string groupToScimText(const Group& group, const Links& links, bool withMembers) {
    JsonWriter out;
    out.beginObject().key("schemas").beginArray().value(kGroupSchema).endArray();
    out.member("id", idText(group.id))
        .member("displayName", group.displayName)
        .memberIfSet("externalId", group.externalId);
    if (withMembers) {
        out.key("members").beginArray();
        for (const GroupMember& m : group.members) {
            const bool isUser = m.kind == GroupMember::Kind::user;
            out.beginObject()
                .member("value", idText(m.id))
                .member("$ref", isUser ? userLocation(m.id, links) : groupLocation(m.id, links))
                .member("type", isUser ? "User" : "Group")
                .memberIfSet("display", m.display)
                .endObject();
        }
        out.endArray();
    }
    writeMeta(out, "Group", groupLocation(group.id, links), group.createdAt, group.updatedAt,
              group.version);
    out.endObject();
    return out.take();
}

json groupToScim(const Group& group, const Links& links, bool withMembers) {
    return json::parse(groupToScimText(group, links, withMembers));
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
