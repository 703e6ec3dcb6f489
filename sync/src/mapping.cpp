#include "muster/sync/mapping.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "muster/core/error.hpp"
#include "muster/ldap/filter.hpp"

namespace muster::sync {

namespace {

using config::DirectoryType;
using config::FieldMapping;

// AD userAccountControl bit ACCOUNTDISABLE.
constexpr long accountDisable = 0x2;

FieldMapping field(std::string name, std::string templateText,
                   std::vector<config::ValueTransform> transforms = {}) {
    FieldMapping mapping;
    mapping.field = std::move(name);
    mapping.templateText = std::move(templateText);
    mapping.transforms = std::move(transforms);
    return mapping;
}

config::ValueTransform lower() { return {config::ValueTransform::Kind::lower, {}, {}, {}, 0}; }

bool isDisabledText(std::string value) {
    for (char& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return value == "deactivated" || value == "disabled" || value == "inactive" ||
           value == "false" || value == "no" || value == "0";
}

void addIdentifier(User& user, IdentifierKind kind, const std::string& value, bool primary) {
    Identifier identifier;
    identifier.kind = kind;
    identifier.value = value;
    identifier.primary = primary;
    if (kind == IdentifierKind::email) identifier.type = "work";
    if (kind == IdentifierKind::device_login) {
        // "user@DOMAIN": the Windows logon name and its NetBIOS domain.
        const auto at = value.rfind('@');
        if (at == std::string::npos || at == 0 || at + 1 == value.size()) return;
        identifier.value = value.substr(0, at);
        identifier.logonDomain = value.substr(at + 1);
    }
    user.identifiers.push_back(std::move(identifier));
}

void setTextField(User& user, UserField field, const std::string& value) {
    switch (field) {
        case UserField::userName:
            user.userName = value;
            break;
        case UserField::givenName:
            user.name.givenName = value;
            break;
        case UserField::familyName:
            user.name.familyName = value;
            break;
        case UserField::formattedName:
            user.name.formatted = value;
            break;
        case UserField::displayName:
            user.displayName = value;
            break;
        case UserField::title:
            user.title = value;
            break;
        case UserField::employeeNumber:
            user.employeeNumber = value;
            break;
        case UserField::department:
            user.department = value;
            break;
        case UserField::section:
            user.section = value;
            break;
        case UserField::organization:
            user.organization = value;
            break;
        case UserField::division:
            user.division = value;
            break;
        case UserField::costCenter:
            user.costCenter = value;
            break;
        default:
            break;
    }
}

// Everything in a field's config that changes what it maps to.
std::string describeField(const FieldMapping& mapping) {
    std::string text = mapping.field + "=" + mapping.templateText + ";" + mapping.defaultValue +
                       ";" + (mapping.createOnly ? "create_only" : "") + ";";
    for (const config::ValueTransform& step : mapping.transforms) {
        text += std::to_string(static_cast<int>(step.kind)) + ":" + step.pattern + ":" +
                step.replacement + ":" + step.separator + ":" + std::to_string(step.index) + ",";
    }
    return text + "|";
}

}  // namespace

void Fnv1a::add(std::string_view bytes) {
    for (unsigned char c : bytes) {
        hash_ ^= c;
        hash_ *= 0x100000001b3ULL;
    }
}

void Fnv1a::addPiece(std::string_view bytes) {
    addCount(bytes.size());
    add(bytes);
}

void Fnv1a::addCount(std::size_t count) {
    const std::uint64_t value = count;
    char raw[sizeof value];
    std::memcpy(raw, &value, sizeof value);
    add(std::string_view(raw, sizeof raw));
}

std::string Fnv1a::hex() const {
    char out[17];
    std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(hash_));
    return out;
}

std::string digest(const std::string& text) {
    Fnv1a hash;
    hash.add(text);
    return hash.hex();
}

std::vector<FieldMapping> defaultUserFields(DirectoryType type) {
    if (type == DirectoryType::active_directory) {
        return {field("userName", "{userPrincipalName}", {lower()}),
                field("name.givenName", "{givenName}"),
                field("name.familyName", "{sn}"),
                field("displayName", "{displayName}"),
                field("emails", "{mail}", {lower()}),
                field("upn", "{userPrincipalName}", {lower()}),
                field("title", "{title}"),
                field("department", "{department}"),
                field("employeeNumber", "{employeeID}"),
                field("manager", "{manager}"),
                field("deviceLogin", "{sAMAccountName}@{_netbios_domain}")};
    }
    return {field("userName", "{uid}"),
            field("name.givenName", "{givenName}"),
            field("name.familyName", "{sn}"),
            field("displayName", "{cn}"),
            field("emails", "{mail}", {lower()}),
            field("title", "{title}"),
            field("department", "{departmentNumber}"),
            field("employeeNumber", "{employeeNumber}"),
            field("manager", "{manager}")};
}

std::string anchorAttribute(DirectoryType type) {
    return type == DirectoryType::active_directory ? "objectGUID" : "entryUUID";
}

EntryMapping::EntryMapping(const config::SyncSourceConfig& source)
    : source_(source), groupName_(source.groupNameTemplate) {
    const std::vector<FieldMapping> configured =
        source.userFields.empty() ? defaultUserFields(source.type) : source.userFields;
    // Which scheme the fingerprints follow: raw values since v2.
    std::string description =
        "fingerprint v2;type " + std::to_string(static_cast<int>(source.type)) + "|";
    for (const FieldMapping& mapping : configured) {
        fields_.emplace_back(mapping);
        std::optional<UserField> target = parseUserField(mapping.field);
        if (!target) {
            throw Error(ErrorCode::invalid_input,
                        "sync source " + source.name + ": unknown field " + mapping.field);
        }
        targets_.push_back(*target);
        owned_.insert(*target);
        if (mapping.createOnly) createOnly_.insert(*target);
        description += describeField(mapping);
    }
    // The directory owns the status: a disabled or missing entry deactivates
    // the user, and a returning one brings it back.
    owned_.insert(UserField::status);
    if (!source.roles.empty()) {
        owned_.insert(UserField::roles);
        for (const config::RoleFromGroup& role : source.roles) {
            description += "role:" + role.groupDn + "=" + role.role + "|";
        }
    }
    mappingDigest_ = digest(description + source.groupNameTemplate + source.memberAttribute);
    for (const std::string& name : userAttributes()) {
        fingerprintAttributes_.push_back(ldap::lowerName(name));
    }
}

std::string EntryMapping::anchorOf(const ldap::Entry& entry) const {
    const std::string& raw = entry.first(anchorAttribute(source_.type));
    if (raw.empty()) return {};
    return source_.type == DirectoryType::active_directory ? ldap::formatObjectGuid(raw) : raw;
}

MappedUser EntryMapping::mapUser(const ldap::Entry& entry, const ExtraValues& extra,
                                 const RoleMembers& roleMembers) const {
    MappedUser mapped;
    User& user = mapped.user;
    bool statusMapped = false;
    for (std::size_t i = 0; i < fields_.size(); ++i) {
        const ValueMapping& mapping = fields_[i];
        const UserField target = targets_[i];
        if (target == UserField::emails) {
            const std::vector<std::string> emails = mapping.values(entry, extra);
            for (std::size_t i = 0; i < emails.size(); ++i) {
                addIdentifier(user, IdentifierKind::email, emails[i], i == 0);
            }
            continue;
        }
        const std::string value = mapping.value(entry, extra);
        switch (target) {
            case UserField::upn:
                if (!value.empty()) addIdentifier(user, IdentifierKind::upn, value, false);
                break;
            case UserField::employeeId:
                if (!value.empty()) addIdentifier(user, IdentifierKind::employee_id, value, false);
                break;
            case UserField::deviceLogin:
                if (!value.empty()) addIdentifier(user, IdentifierKind::device_login, value, false);
                break;
            case UserField::manager:
                mapped.managerDn = ldap::normalizeDn(value);
                break;
            case UserField::status:
                statusMapped = true;
                user.status = isDisabledText(value) ? UserStatus::deactivated : UserStatus::active;
                break;
            default:
                setTextField(user, target, value);
                break;
        }
    }
    if (!statusMapped && source_.type == DirectoryType::active_directory) {
        const std::string& control = entry.first("userAccountControl");
        const long flags = control.empty() ? 0 : std::strtol(control.c_str(), nullptr, 10);
        user.status = (flags & accountDisable) != 0 ? UserStatus::deactivated : UserStatus::active;
    }
    if (!source_.roles.empty()) {
        auto found = roleMembers.find(ldap::normalizeDn(entry.dn));
        if (found != roleMembers.end()) user.roles = found->second;
    }
    if (user.userName.empty()) {
        throw Error(ErrorCode::invalid_input, "userName maps to an empty value", "userName");
    }
    mapped.fingerprint = userFingerprint(entry, extra, roleMembers);
    return mapped;
}

std::string EntryMapping::userFingerprint(const ldap::Entry& entry, const ExtraValues& extra,
                                          const RoleMembers& roleMembers) const {
    Fnv1a hash;
    hash.addPiece(mappingDigest_);
    hash.addPiece(entry.dn);
    for (const auto& [name, value] : extra) {
        hash.addPiece(name);
        hash.addPiece(value);
    }
    // Every value, in the server's order: the first email is the primary one.
    for (const std::string& name : fingerprintAttributes_) {
        const std::vector<std::string>& values = entry.values(name);
        hash.addCount(values.size());
        for (const std::string& value : values) hash.addPiece(value);
    }
    // Roles come through group nesting that the entry itself does not show.
    if (!source_.roles.empty()) {
        auto found = roleMembers.find(ldap::normalizeDn(entry.dn));
        const std::size_t count = found == roleMembers.end() ? 0 : found->second.size();
        hash.addCount(count);
        for (std::size_t i = 0; i < count; ++i) hash.addPiece(found->second[i]);
    }
    return hash.hex();
}

MappedGroup EntryMapping::mapGroup(const ldap::Entry& entry, const ExtraValues& extra) const {
    MappedGroup group;
    group.displayName = groupName_.render(entry, extra);
    std::string printed = "name=" + group.displayName + "\n";
    for (const std::string& member : entry.values(source_.memberAttribute)) {
        group.memberDns.push_back(ldap::normalizeDn(member));
    }
    std::sort(group.memberDns.begin(), group.memberDns.end());
    for (const std::string& dn : group.memberDns) printed += dn + "\n";
    group.fingerprint = digest(mappingDigest_ + "\n" + printed);
    return group;
}

std::vector<std::string> EntryMapping::userAttributes() const {
    std::vector<std::string> names{anchorAttribute(source_.type)};
    for (const ValueMapping& mapping : fields_) {
        for (const std::string& name : mapping.attributes()) names.push_back(name);
    }
    if (source_.type == DirectoryType::active_directory) names.push_back("userAccountControl");
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

std::vector<std::string> EntryMapping::groupAttributes() const {
    std::vector<std::string> names = groupName_.attributes();
    names.push_back(anchorAttribute(source_.type));
    names.push_back(source_.memberAttribute);
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

}  // namespace muster::sync
