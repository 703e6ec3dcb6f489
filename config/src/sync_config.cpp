#include <map>
#include <regex>
#include <set>

#include "sync_config_reader.hpp"

namespace muster::config::detail {

namespace {

constexpr int maxPageSize = 5000;
constexpr int maxBatchSize = 10000;
constexpr int maxMemberRangeSize = 100000;
constexpr std::size_t maxSources = 64;

// Muster fields a directory attribute can be mapped to (core UserField names).
const std::vector<std::string_view>& mappableFields() {
    static const std::vector<std::string_view> fields = {"userName",        "name.givenName",
                                                         "name.familyName", "name.formatted",
                                                         "displayName",     "title",
                                                         "employeeNumber",  "department",
                                                         "section",         "organization",
                                                         "division",        "costCenter",
                                                         "emails",          "upn",
                                                         "employeeId",      "deviceLogin",
                                                         "manager",         "status"};
    return fields;
}

template <typename Enum>
Enum choice(const Field& f, const std::vector<std::pair<std::string_view, Enum>>& options) {
    const std::string value = f.string();
    std::string names;
    for (const auto& [name, option] : options) {
        if (name == value) return option;
        names += (names.empty() ? "" : ", ") + std::string(name);
    }
    f.fail("must be one of " + names + ", got \"" + value + "\"");
}

void checkFilter(const Field& f, const std::string& filter) {
    if (filter.empty()) return;
    int depth = 0;
    for (char c : filter) {
        if (c == '(') ++depth;
        if (c == ')' && --depth < 0) break;
    }
    if (filter.front() != '(' || filter.back() != ')' || depth != 0) {
        f.fail("must be one parenthesised LDAP filter such as (objectClass=person)");
    }
}

void checkTemplate(const Field& f, const std::string& text) {
    int open = 0;
    for (char c : text) {
        if (c == '{' && open++ > 0) f.fail("nested '{' in template \"" + text + "\"");
        if (c == '}' && open-- == 0) f.fail("'}' without '{' in template \"" + text + "\"");
    }
    if (open != 0) f.fail("unclosed '{' in template \"" + text + "\"");
}

ValueTransform readTransform(const Field& item) {
    ValueTransform transform;
    if (item.isScalar()) {
        transform.kind = choice<ValueTransform::Kind>(item, {{"lower", ValueTransform::Kind::lower},
                                                             {"upper", ValueTransform::Kind::upper},
                                                             {"trim", ValueTransform::Kind::trim}});
        return transform;
    }
    bool hasRegex = false;
    bool hasSplit = false;
    item.readMapping({
        {"regex",
         [&](const Field& f) {
             transform.pattern = f.nonEmptyString();
             try {
                 std::regex check(transform.pattern);
             } catch (const std::regex_error& error) {
                 f.fail(std::string("not a valid regular expression: ") + error.what());
             }
             hasRegex = true;
         }},
        {"replace", [&](const Field& f) { transform.replacement = f.string(); }},
        {"split",
         [&](const Field& f) {
             transform.separator = f.nonEmptyString();
             hasSplit = true;
         }},
        {"index", [&](const Field& f) { transform.index = f.integer(0, 100); }},
    });
    if (hasRegex == hasSplit)
        item.fail("a transform is lower, upper, trim, {regex, replace} or {split, index}");
    transform.kind = hasRegex ? ValueTransform::Kind::regex_replace : ValueTransform::Kind::split;
    return transform;
}

FieldMapping readFieldMapping(const Field& f, std::string field) {
    FieldMapping mapping;
    mapping.field = std::move(field);
    if (f.isScalar()) {
        mapping.templateText = f.string();
        checkTemplate(f, mapping.templateText);
        return mapping;
    }
    bool hasTemplate = false;
    f.readMapping({
        {"template",
         [&](const Field& t) {
             mapping.templateText = t.string();
             checkTemplate(t, mapping.templateText);
             hasTemplate = true;
         }},
        {"constant",
         [&](const Field& t) {
             mapping.templateText = t.string();
             if (mapping.templateText.find_first_of("{}") != std::string::npos) {
                 t.fail("a constant cannot contain '{' or '}'");
             }
             hasTemplate = true;
         }},
        {"transforms",
         [&](const Field& t) {
             t.readList(
                 [&](const Field& item) { mapping.transforms.push_back(readTransform(item)); });
         }},
        {"default", [&](const Field& t) { mapping.defaultValue = t.string(); }},
        {"create_only", [&](const Field& t) { mapping.createOnly = t.boolean(); }},
    });
    if (!hasTemplate) f.failMissing("template");
    return mapping;
}

void readUserFields(const Field& f, std::vector<FieldMapping>& out) {
    Field::Handlers handlers;
    for (std::string_view name : mappableFields()) {
        handlers.emplace_back(name, [&out, name](const Field& value) {
            out.push_back(readFieldMapping(value, std::string(name)));
        });
    }
    f.readMapping(handlers);
}

void readScope(const Field& f, EntryScope& out) {
    f.readMapping({
        {"base_dn", [&](const Field& v) { out.baseDns = {v.nonEmptyString()}; }},
        {"base_dns",
         [&](const Field& v) {
             out.baseDns.clear();
             v.readList([&](const Field& item) { out.baseDns.push_back(item.nonEmptyString()); });
         }},
        {"scope",
         [&](const Field& v) {
             out.scope = v.string();
             if (out.scope != "sub" && out.scope != "one") v.fail("must be sub or one");
         }},
        {"filter",
         [&](const Field& v) {
             out.filter = v.string();
             checkFilter(v, out.filter);
         }},
        {"member_of", [&](const Field& v) { out.memberOf = v.nonEmptyString(); }},
    });
}

SyncSourceConfig readSource(const Field& item, std::map<std::string, int>& lineByName) {
    SyncSourceConfig source;
    bool hasName = false;
    bool hasUrl = false;
    bool hasUsers = false;
    item.readMapping({
        {"name",
         [&](const Field& f) {
             source.name = f.nonEmptyString();
             for (char c : source.name) {
                 if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' &&
                     c != '.') {
                     f.fail("may hold only letters, digits, '-', '_' and '.'");
                 }
             }
             if (source.name.size() > 64) f.fail("is longer than 64 characters");
             if (auto seen = lineByName.find(source.name); seen != lineByName.end()) {
                 f.fail("duplicate source \"" + source.name + "\", first defined on line " +
                        std::to_string(seen->second));
             }
             lineByName.emplace(source.name, f.line());
             hasName = true;
         }},
        {"type",
         [&](const Field& f) {
             source.type =
                 choice<DirectoryType>(f, {{"ldap", DirectoryType::ldap},
                                           {"active_directory", DirectoryType::active_directory}});
         }},
        {"tenant", [&](const Field& f) { source.tenant = f.nonEmptyString(); }},
        {"url",
         [&](const Field& f) {
             source.url = f.nonEmptyString();
             if (source.url.rfind("ldap://", 0) != 0 && source.url.rfind("ldaps://", 0) != 0) {
                 f.fail("must start with ldap:// or ldaps://");
             }
             hasUrl = true;
         }},
        {"tls",
         [&](const Field& f) {
             source.tls = choice<DirectoryTls>(f, {{"none", DirectoryTls::none},
                                                   {"starttls", DirectoryTls::starttls},
                                                   {"ldaps", DirectoryTls::ldaps}});
         }},
        {"ca_file", [&](const Field& f) { source.caFile = f.string(); }},
        {"tls_verify", [&](const Field& f) { source.tlsVerify = f.boolean(); }},
        {"bind_dn", [&](const Field& f) { source.bindDn = f.string(); }},
        {"bind_password", [&](const Field& f) { source.bindPassword = f.string(); }},
        {"bind_password_file", [&](const Field& f) { source.bindPasswordFile = f.string(); }},
        {"timeout_seconds", [&](const Field& f) { source.timeoutSeconds = f.integer(1, 3600); }},
        {"page_size", [&](const Field& f) { source.pageSize = f.integer(1, maxPageSize); }},
        {"batch_size", [&](const Field& f) { source.batchSize = f.integer(1, maxBatchSize); }},
        {"interval_seconds",
         [&](const Field& f) { source.intervalSeconds = f.integer(0, 7 * 86400); }},
        {"full_sync_interval_seconds",
         [&](const Field& f) { source.fullSyncIntervalSeconds = f.integer(0, 365 * 86400); }},
        {"incremental",
         [&](const Field& f) {
             source.incremental = choice<IncrementalMethod>(
                 f, {{"auto", IncrementalMethod::automatic},
                     {"syncrepl", IncrementalMethod::syncrepl},
                     {"modify_timestamp", IncrementalMethod::modify_timestamp},
                     {"usn", IncrementalMethod::usn},
                     {"none", IncrementalMethod::none}});
         }},
        {"missing_users",
         [&](const Field& f) {
             source.missingUsers =
                 choice<MissingUserPolicy>(f, {{"deactivate", MissingUserPolicy::deactivate},
                                               {"delete_after", MissingUserPolicy::delete_after},
                                               {"ignore", MissingUserPolicy::ignore}});
         }},
        {"delete_after_days", [&](const Field& f) { source.deleteAfterDays = f.integer(0, 3650); }},
        {"max_deletions", [&](const Field& f) { source.maxDeletions = f.integer(0); }},
        {"max_deletion_percent",
         [&](const Field& f) { source.maxDeletionPercent = f.integer(0, 100); }},
        {"link_existing_by_user_name",
         [&](const Field& f) { source.linkExistingByUserName = f.boolean(); }},
        {"users",
         [&](const Field& f) {
             readScope(f, source.users);
             hasUsers = true;
         }},
        {"groups", [&](const Field& f) { readScope(f, source.groups); }},
        {"group_name",
         [&](const Field& f) {
             source.groupNameTemplate = f.nonEmptyString();
             checkTemplate(f, source.groupNameTemplate);
         }},
        {"member_attribute", [&](const Field& f) { source.memberAttribute = f.nonEmptyString(); }},
        {"member_range_size",
         [&](const Field& f) { source.memberRangeSize = f.integer(0, maxMemberRangeSize); }},
        {"user_fields", [&](const Field& f) { readUserFields(f, source.userFields); }},
        {"roles",
         [&](const Field& f) {
             f.readList([&](const Field& entry) {
                 RoleFromGroup role;
                 entry.readMapping(
                     {{"group", [&](const Field& g) { role.groupDn = g.nonEmptyString(); }},
                      {"role", [&](const Field& r) { role.role = r.nonEmptyString(); }}});
                 if (role.groupDn.empty()) entry.failMissing("group");
                 if (role.role.empty()) entry.failMissing("role");
                 source.roles.push_back(role);
             });
         }},
    });
    if (!hasName) item.failMissing("name");
    if (!hasUrl) item.failMissing("url");
    if (!hasUsers || source.users.baseDns.empty()) item.absentChild("users").failMissing("base_dn");
    if (source.tls == DirectoryTls::ldaps && source.url.rfind("ldaps://", 0) != 0) {
        item.absentChild("url").fail("tls: ldaps needs an ldaps:// URL");
    }
    if (source.type == DirectoryType::ldap && source.incremental == IncrementalMethod::usn) {
        item.absentChild("incremental").fail("usn is for type active_directory");
    }
    return source;
}

}  // namespace

void readSync(const Field& sync, SyncConfig& out) {
    std::map<std::string, int> lineByName;
    sync.readMapping({
        {"sources",
         [&](const Field& f) {
             f.readList([&](const Field& item) {
                 if (out.sources.size() >= maxSources) item.fail("at most 64 sources");
                 out.sources.push_back(readSource(item, lineByName));
             });
         }},
    });
}

}  // namespace muster::config::detail
