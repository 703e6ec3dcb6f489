#include "muster/scim/schema.hpp"

#include <algorithm>
#include <cctype>

#include "muster/core/error.hpp"

namespace muster::scim {

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
               return std::tolower(x) == std::tolower(y);
           });
}

namespace {

template <typename Range>
auto findByName(const Range& range, std::string_view name) -> decltype(&*range.begin()) {
    for (const auto& item : range) {
        if (equalsIgnoreCase(item.name, name)) return &item;
    }
    return nullptr;
}

// Small builders so the schema below reads like the RFC's tables.
AttributeDef text(std::string name, std::string field, std::string description) {
    AttributeDef def;
    def.name = std::move(name);
    def.queryField = std::move(field);
    def.description = std::move(description);
    return def;
}

AttributeDef withType(AttributeDef def, AttributeType type) {
    def.type = type;
    return def;
}

AttributeDef readOnly(AttributeDef def) {
    def.mutability = Mutability::readOnly;
    return def;
}

AttributeDef caseExact(AttributeDef def) {
    def.caseExact = true;
    return def;
}

AttributeDef multi(AttributeDef def) {
    def.multiValued = true;
    return def;
}

AttributeDef complex(std::string name, std::string description, std::vector<AttributeDef> subs) {
    AttributeDef def;
    def.name = std::move(name);
    def.type = AttributeType::complex;
    def.description = std::move(description);
    def.subAttributes = std::move(subs);
    return def;
}

AttributeDef reference(std::string name, std::vector<std::string> types) {
    AttributeDef def = text(std::move(name), "", "The URI of the referenced resource.");
    def.type = AttributeType::reference;
    def.referenceTypes = std::move(types);
    def.caseExact = true;
    return def;
}

AttributeDef idAttribute() {
    AttributeDef id =
        caseExact(readOnly(text("id", "id", "Unique identifier assigned by Muster.")));
    id.returned = Returned::always;
    id.uniqueness = Uniqueness::server;
    return id;
}

AttributeDef externalIdAttribute() {
    return caseExact(
        text("externalId", "externalId", "Identifier of the resource in the provisioning client."));
}

AttributeDef metaAttribute() {
    return readOnly(complex(
        "meta", "Resource metadata.",
        {readOnly(caseExact(text("resourceType", "", "User or Group."))),
         readOnly(withType(text("created", "meta.created", "When the resource was created."),
                           AttributeType::dateTime)),
         readOnly(withType(text("lastModified", "meta.lastModified", "When it last changed."),
                           AttributeType::dateTime)),
         readOnly(caseExact(
             withType(text("location", "", "The resource's URI."), AttributeType::reference))),
         readOnly(caseExact(text("version", "", "The resource's version (weak ETag).")))}));
}

SchemaDef userSchema() {
    AttributeDef userName = text("userName", "userName", "Unique login of the user.");
    userName.required = true;
    userName.uniqueness = Uniqueness::server;

    AttributeDef emailType = text("type", "emails.type", "work, home or other.");
    emailType.canonicalValues = {"work", "home", "other"};
    AttributeDef emails =
        multi(complex("emails", "Email addresses; each is unique within the tenant.",
                      {text("value", "emails.value", "The email address."), emailType,
                       withType(text("primary", "emails.primary", "The preferred address."),
                                AttributeType::boolean),
                       text("display", "", "Display text.")}));
    emails.uniqueness = Uniqueness::server;

    AttributeDef groupType = readOnly(text("type", "", "direct"));
    AttributeDef groups = readOnly(
        multi(complex("groups", "Groups the user is a direct member of.",
                      {readOnly(caseExact(text("value", "groups.value", "The group's id."))),
                       readOnly(reference("$ref", {"Group"})),
                       readOnly(text("display", "", "Group name.")), groupType})));

    return SchemaDef{
        std::string(kUserSchema),
        "User",
        "User account",
        {idAttribute(), externalIdAttribute(), userName,
         complex("name", "The user's name.",
                 {text("formatted", "name.formatted", "Full name for display."),
                  text("familyName", "name.familyName", "Family name."),
                  text("givenName", "name.givenName", "Given name."),
                  text("middleName", "name.middleName", "Middle name."),
                  text("honorificPrefix", "name.honorificPrefix", "Honorific prefix."),
                  text("honorificSuffix", "name.honorificSuffix", "Honorific suffix.")}),
         text("displayName", "displayName", "Name for display; unique within the tenant."),
         text("nickName", "nickName", "Casual name."), text("title", "title", "Job title."),
         text("userType", "userType", "Relationship to the organisation."),
         text("preferredLanguage", "preferredLanguage", "Preferred language (e.g. en-US)."),
         text("locale", "locale", "Locale for formatting (e.g. en-US)."),
         text("timezone", "timezone", "Time zone (e.g. Europe/Berlin)."),
         withType(text("active", "active", "False when the user is deactivated."),
                  AttributeType::boolean),
         emails, groups, metaAttribute()}};
}

SchemaDef enterpriseUserSchema() {
    return SchemaDef{
        std::string(kEnterpriseUserSchema),
        "EnterpriseUser",
        "Enterprise User",
        {text("employeeNumber", "employeeNumber", "Employee number."),
         text("costCenter", "costCenter", "Cost center."),
         text("organization", "organization", "Organization."),
         text("division", "division", "Division."), text("department", "department", "Department."),
         complex("manager", "The user's manager (a user of the same tenant, no cycles).",
                 {caseExact(text("value", "manager.value", "The manager's id.")),
                  reference("$ref", {"User"}),
                  readOnly(text("displayName", "", "The manager's display name."))})}};
}

SchemaDef musterUserSchema() {
    AttributeDef kind =
        caseExact(text("kind", "identifiers.kind", "upn, email, employee_id or device_login."));
    kind.canonicalValues = {"upn", "email", "employee_id", "device_login"};
    AttributeDef sitesMode = caseExact(text("sitesMode", "", "all, none or listed."));
    sitesMode.canonicalValues = {"all", "none", "listed"};
    AttributeDef mfaStatus =
        readOnly(caseExact(text("mfaStatus", "mfaStatus", "enabled or not_enrolled.")));
    mfaStatus.canonicalValues = {"enabled", "not_enrolled"};
    return SchemaDef{
        std::string(kMusterUserSchema),
        "MusterUser",
        "Muster workforce attributes",
        {multi(complex("identifiers",
                       "Identifiers (UPN, employee id, device logins); each unique in the tenant. "
                       "Emails are listed under emails.",
                       {kind, text("value", "identifiers.value", "The identifier."),
                        text("logonDomain", "identifiers.logonDomain",
                             "device_login: the Windows logon domain."),
                        withType(text("anyDomain", "", "device_login: match in every domain."),
                                 AttributeType::boolean)})),
         readOnly(text("displayId", "",
                       "The identifier shown for the user: UPN > email > "
                       "employee id > device login.")),
         withType(text("tracked", "tracked", "Whether the user's activity is tracked."),
                  AttributeType::boolean),
         text("section", "section", "Section within the department."),
         text("team", "team", "Team."), multi(text("tags", "tags", "Tags.")), sitesMode,
         multi(text("sites", "", "Allowed remote sites when sitesMode is listed.")),
         multi(caseExact(text("roles", "roles", "Role names from the tenant's catalogue."))),
         withType(text("banned", "banned", "Sign-in temporarily blocked."), AttributeType::boolean),
         readOnly(caseExact(text("status", "status", "invited, active or deactivated."))),
         readOnly(withType(text("profileIncomplete", "",
                                "Created by an agent check-in and "
                                "not completed yet."),
                           AttributeType::boolean)),
         text("identityProvider", "identityProvider",
              "internal, or the identity provider / directory that owns the record."),
         mfaStatus}};
}

SchemaDef groupSchema() {
    AttributeDef displayName = text("displayName", "displayName", "Group name, unique per tenant.");
    displayName.required = true;
    displayName.uniqueness = Uniqueness::server;
    AttributeDef memberValue = caseExact(text("value", "members.value", "The member's id."));
    memberValue.mutability = Mutability::immutable;
    AttributeDef memberType = text("type", "", "User or Group.");
    memberType.canonicalValues = {"User", "Group"};
    memberType.mutability = Mutability::immutable;
    AttributeDef members =
        multi(complex("members", "Users and groups in the group.",
                      {memberValue, reference("$ref", {"User", "Group"}),
                       readOnly(text("display", "", "The member's display name.")), memberType}));
    return SchemaDef{std::string(kGroupSchema),
                     "Group",
                     "Group",
                     {idAttribute(), externalIdAttribute(), displayName, members, metaAttribute()}};
}

}  // namespace

const AttributeDef* AttributeDef::subAttribute(std::string_view name) const {
    return findByName(subAttributes, name);
}

const AttributeDef* SchemaDef::attribute(std::string_view name) const {
    return findByName(attributes, name);
}

SchemaRegistry::SchemaRegistry()
    : schemas_{userSchema(), enterpriseUserSchema(), musterUserSchema(), groupSchema()},
      resourceTypes_{
          ResourceTypeDef{"User",
                          "User",
                          "/Users",
                          "User Account",
                          std::string(kUserSchema),
                          {{std::string(kEnterpriseUserSchema), false},
                           {std::string(kMusterUserSchema), false}}},
          ResourceTypeDef{"Group", "Group", "/Groups", "Group", std::string(kGroupSchema), {}}} {}

const SchemaRegistry& SchemaRegistry::instance() {
    static const SchemaRegistry registry;
    return registry;
}

const SchemaDef* SchemaRegistry::schema(std::string_view urn) const {
    for (const SchemaDef& schema : schemas_) {
        if (equalsIgnoreCase(schema.id, urn)) return &schema;
    }
    return nullptr;
}

const ResourceTypeDef& SchemaRegistry::resourceType(std::string_view id) const {
    for (const ResourceTypeDef& type : resourceTypes_) {
        if (type.id == id) return type;
    }
    throw Error(ErrorCode::internal, "unknown resource type " + std::string(id));
}

bool SchemaRegistry::isSchemaOf(const ResourceTypeDef& type, std::string_view urn) const {
    if (equalsIgnoreCase(type.schema, urn)) return true;
    return std::any_of(
        type.extensions.begin(), type.extensions.end(),
        [&](const SchemaExtensionRef& ext) { return equalsIgnoreCase(ext.schema, urn); });
}

std::optional<ResolvedAttribute> SchemaRegistry::resolve(const ResourceTypeDef& type,
                                                         const AttributePath& path) const {
    std::vector<const SchemaDef*> candidates;
    if (!path.schemaUrn.empty()) {
        if (!isSchemaOf(type, path.schemaUrn)) return std::nullopt;
        candidates.push_back(schema(path.schemaUrn));
    } else {
        candidates.push_back(schema(type.schema));
        for (const SchemaExtensionRef& ext : type.extensions)
            candidates.push_back(schema(ext.schema));
    }
    for (const SchemaDef* candidate : candidates) {
        const AttributeDef* attribute = candidate ? candidate->attribute(path.attribute) : nullptr;
        if (attribute == nullptr) continue;
        ResolvedAttribute resolved{candidate, attribute, nullptr};
        if (!path.subAttribute.empty()) {
            resolved.subAttribute = attribute->subAttribute(path.subAttribute);
            if (resolved.subAttribute == nullptr) return std::nullopt;
        }
        return resolved;
    }
    return std::nullopt;
}

}  // namespace muster::scim
