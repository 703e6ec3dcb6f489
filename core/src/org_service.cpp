#include "muster/core/org_service.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "muster/core/error.hpp"

namespace muster {

namespace {

constexpr std::int64_t maxPageSize = 200;
// Users read per batch when a dynamic tag's rule is re-evaluated.
constexpr std::int64_t reevaluationBatch = 500;

// The comparison form of names: ASCII lower-case, as the store's *_norm
// columns hold them.
std::string folded(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

std::string trimmed(std::string_view text) {
    const auto isSpace = [](char c) { return c == ' ' || c == '\t'; };
    while (!text.empty() && isSpace(text.front())) text.remove_prefix(1);
    while (!text.empty() && isSpace(text.back())) text.remove_suffix(1);
    return std::string(text);
}

bool hasControlCharacter(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte < 0x20 || byte == 0x7f;
    });
}

// A catalogue name: present, not too long, on one line (users' tags and
// sites are stored one per line).
void checkName(const std::string& name, OrgKind kind, const std::string& attribute) {
    const std::string what(toString(kind));
    if (name.empty()) {
        throw Error(ErrorCode::invalid_input, "a " + what + " needs a name", attribute);
    }
    if (name.size() > OrgLimits::maxNameLength) {
        throw Error(ErrorCode::invalid_input,
                    attribute + ": a " + what + " name is at most " +
                        std::to_string(OrgLimits::maxNameLength) + " characters",
                    attribute);
    }
    if (hasControlCharacter(name)) {
        throw Error(ErrorCode::invalid_input,
                    attribute + ": a " + what + " name may not contain control characters",
                    attribute);
    }
}

void checkDescription(const std::string& description) {
    if (description.size() > OrgLimits::maxDescriptionLength) {
        throw Error(ErrorCode::invalid_input,
                    "description is at most " + std::to_string(OrgLimits::maxDescriptionLength) +
                        " characters",
                    "description");
    }
}

void checkRule(const policies::TagRule& rule) {
    if (std::optional<policies::TagRuleProblem> problem = policies::findTagRuleProblem(rule)) {
        throw Error(ErrorCode::invalid_input, "rule." + problem->where + ": " + problem->message,
                    "rule");
    }
}

std::string usersText(std::int64_t count) {
    return std::to_string(count) + (count == 1 ? " user" : " users");
}

std::string hex(std::string_view text) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : text) {
        out += digits[c >> 4];
        out += digits[c & 0x0f];
    }
    return out;
}

std::optional<std::string> unhex(std::string_view text) {
    if (text.size() % 2 != 0) return std::nullopt;
    auto value = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    };
    std::string out;
    for (std::size_t i = 0; i < text.size(); i += 2) {
        const int high = value(text[i]), low = value(text[i + 1]);
        if (high < 0 || low < 0) return std::nullopt;
        out += static_cast<char>(high * 16 + low);
    }
    return out;
}

// The cursor names the last entry of a page: hex(folded name) "." id.
std::string cursorAfter(const OrgEntry& entry) {
    return hex(folded(entry.name)) + "." + std::to_string(entry.id);
}

void applyCursor(const std::string& cursor, OrgListRequest& request) {
    const std::size_t dot = cursor.rfind('.');
    std::optional<std::string> name =
        dot == std::string::npos ? std::nullopt : unhex(std::string_view(cursor).substr(0, dot));
    Id id = 0;
    try {
        std::size_t used = 0;
        const std::string idText = dot == std::string::npos ? "" : cursor.substr(dot + 1);
        id = std::stoll(idText, &used);
        if (used != idText.size()) id = 0;
    } catch (const std::exception&) {
        id = 0;
    }
    if (!name || id <= 0) {
        throw Error(ErrorCode::invalid_cursor, "the cursor is not one this server issued",
                    "cursor");
    }
    request.afterNameNorm = *name;
    request.afterId = id;
}

Snapshot snapshotOf(const OrgEntry& entry) {
    Snapshot snapshot{{"name", entry.name}, {"description", entry.description}};
    if (entry.kind == OrgKind::section) {
        snapshot["department"] = std::to_string(entry.departmentId);
    }
    if (entry.kind == OrgKind::tag) {
        snapshot["kind"] = std::string(toString(entry.tagKind));
        if (entry.rule) snapshot["rule"] = policies::describeTagRule(*entry.rule);
    }
    std::erase_if(snapshot, [](const auto& field) { return field.second.empty(); });
    return snapshot;
}

void recordEvent(Transaction& tx, const Principal& by, const OrgEntry& entry,
                 const std::string& verb, std::optional<Snapshot> before,
                 std::optional<Snapshot> after) {
    AuditEvent event;
    event.tenantId = entry.tenantId;
    event.actor = by.actor;
    event.action = std::string(toString(entry.kind)) + "." + verb;
    event.targetType = std::string(toString(entry.kind));
    event.targetId = entry.id;
    event.targetDisplay = entry.name;
    event.before = std::move(before);
    event.after = std::move(after);
    tx.audit().record(event);
}

std::int64_t limitOf(OrgKind kind) {
    return kind == OrgKind::section ? OrgLimits::maxSectionsPerDepartment
                                    : OrgLimits::maxEntriesPerCatalogue;
}

void checkRoomFor(Transaction& tx, OrgKind kind, Id tenantId, Id departmentId,
                  std::int64_t allowed) {
    if (tx.org().count(kind, tenantId, departmentId) >= allowed) {
        throw Error(ErrorCode::too_many,
                    "this tenant already has the most " + std::string(toString(kind)) +
                        " entries allowed (" + std::to_string(allowed) + ")",
                    "name");
    }
}

std::int64_t dynamicTagCount(Transaction& tx, Id tenantId) {
    return static_cast<std::int64_t>(tx.org().dynamicTags(tenantId).size());
}

// The entry called `name`, created (and audited) when the tenant has none
// yet: how a user write introduces departments, sections, teams and tags.
OrgEntry ensureEntry(Transaction& tx, const Principal& by, OrgKind kind, Id tenantId,
                     Id departmentId, const std::string& name, const std::string& attribute,
                     const User& forUser) {
    checkName(name, kind, attribute);
    // Most writes name entries that exist: a read, not an insert attempt.
    if (std::optional<OrgEntry> existing =
            tx.org().findByName(kind, tenantId, departmentId, name)) {
        return *existing;
    }
    OrgEntry wanted;
    wanted.kind = kind;
    wanted.tenantId = tenantId;
    wanted.departmentId = departmentId;
    wanted.name = name;
    bool created = false;
    OrgEntry stored = tx.org().ensure(wanted, created);
    if (created) {
        // Counted after the insert: the new entry itself may be the last allowed.
        checkRoomFor(tx, kind, tenantId, departmentId, limitOf(kind) + 1);
        Snapshot after = snapshotOf(stored);
        after["reason"] = "first given to user " + forUser.userName;
        recordEvent(tx, by, stored, "create", std::nullopt, after);
    }
    return stored;
}

// Users per entry, keyed by folded name (sections: folded department "\n"
// folded section).
std::map<std::string, std::int64_t> userCountsOf(Transaction& tx, OrgKind kind, Id tenantId) {
    std::map<std::string, std::int64_t> counts;
    if (kind == OrgKind::tag || kind == OrgKind::site) {
        const std::vector<UserNames> users = kind == OrgKind::tag
                                                 ? tx.org().usersWithTags(tenantId)
                                                 : tx.org().usersWithListedSites(tenantId);
        for (const UserNames& user : users) {
            std::set<std::string> distinct;
            for (const std::string& name : user.names) distinct.insert(folded(name));
            for (const std::string& name : distinct) ++counts[name];
        }
        return counts;
    }
    for (const OrgValueCount& row : tx.org().userCounts(kind, tenantId)) {
        std::string key = folded(row.value);
        if (kind == OrgKind::section) key += "\n" + folded(row.section);
        counts[key] += row.users;
    }
    return counts;
}

std::string countKey(Transaction& tx, const OrgEntry& entry) {
    if (entry.kind != OrgKind::section) return folded(entry.name);
    std::optional<OrgEntry> department =
        tx.org().find(OrgKind::department, entry.tenantId, entry.departmentId);
    return folded(department ? department->name : "") + "\n" + folded(entry.name);
}

std::int64_t countIn(const std::map<std::string, std::int64_t>& counts, const std::string& key) {
    auto found = counts.find(key);
    return found == counts.end() ? 0 : found->second;
}

std::int64_t usersCarrying(Transaction& tx, const OrgEntry& entry) {
    return countIn(userCountsOf(tx, entry.kind, entry.tenantId), countKey(tx, entry));
}

// Replaces (or, with an empty `to`, removes) a name in users' tag lists or
// listed sites; returns how many users changed.
std::int64_t replaceInUserLists(Transaction& tx, OrgKind kind, Id tenantId, const std::string& from,
                                const std::string& to) {
    const std::string fromKey = folded(from);
    const std::vector<UserNames> users = kind == OrgKind::tag
                                             ? tx.org().usersWithTags(tenantId)
                                             : tx.org().usersWithListedSites(tenantId);
    std::int64_t changed = 0;
    for (const UserNames& user : users) {
        if (std::none_of(user.names.begin(), user.names.end(),
                         [&](const std::string& name) { return folded(name) == fromKey; })) {
            continue;
        }
        std::vector<std::string> names;
        std::set<std::string> seen;
        for (const std::string& name : user.names) {
            const std::string value = folded(name) == fromKey ? to : name;
            if (value.empty() || !seen.insert(folded(value)).second) continue;
            names.push_back(value);
        }
        if (kind == OrgKind::tag) {
            tx.org().setUserTags(tenantId, user.userId, names);
        } else {
            SiteAccess sites;
            sites.mode = names.empty() ? SiteAccess::Mode::none : SiteAccess::Mode::listed;
            sites.sites = names;
            tx.org().setUserSites(tenantId, user.userId, sites);
        }
        ++changed;
    }
    return changed;
}

// Puts the name `to` where users carry `from` (empty `to`: takes it away).
std::int64_t replaceInUsers(Transaction& tx, const OrgEntry& entry, const std::string& from,
                            const std::string& to) {
    if (entry.kind == OrgKind::tag || entry.kind == OrgKind::site) {
        return replaceInUserLists(tx, entry.kind, entry.tenantId, from, to);
    }
    std::string department;
    if (entry.kind == OrgKind::section) {
        std::optional<OrgEntry> owner =
            tx.org().find(OrgKind::department, entry.tenantId, entry.departmentId);
        department = owner ? owner->name : "";
    }
    return tx.org().replaceUserValue(entry.kind, entry.tenantId, department, from, to);
}

// A user's tags: its static tags (any tag not named like a dynamic one),
// then the dynamic tags whose rules match it.
std::vector<std::string> tagsWithDynamic(const User& user, const std::vector<OrgEntry>& dynamic) {
    std::set<std::string> dynamicNames;
    for (const OrgEntry& tag : dynamic) dynamicNames.insert(folded(tag.name));
    std::vector<std::string> tags;
    for (const std::string& tag : user.tags) {
        if (!dynamicNames.count(folded(tag))) tags.push_back(tag);
    }
    const policies::TagAttributes attributes = tagAttributesOf(user);
    for (const OrgEntry& tag : dynamic) {
        if (tag.rule && policies::matchesTagRule(*tag.rule, attributes)) tags.push_back(tag.name);
    }
    return tags;
}

// After a dynamic tag appears, goes, or changes its rule: every user of the
// tenant gets its tags recomputed, batch by batch, in the caller's
// transaction. Returns how many users changed.
std::int64_t reevaluateDynamicTags(Transaction& tx, Id tenantId) {
    const std::vector<OrgEntry> dynamic = tx.org().dynamicTags(tenantId);
    std::int64_t changed = 0;
    Id after = 0;
    for (;;) {
        const std::vector<User> batch =
            tx.org().usersForTagRules(tenantId, after, reevaluationBatch);
        for (const User& user : batch) {
            std::vector<std::string> tags = tagsWithDynamic(user, dynamic);
            if (tags != user.tags) {
                tx.org().setUserTags(tenantId, user.id, tags);
                ++changed;
            }
        }
        if (static_cast<std::int64_t>(batch.size()) < reevaluationBatch) break;
        after = batch.back().id;
    }
    return changed;
}

OrgEntry loadEntry(Transaction& tx, const Principal& by, OrgKind kind, Id id,
                   std::optional<Id> departmentId) {
    std::optional<OrgEntry> entry = tx.org().find(kind, by.tenantId, id);
    if (!entry || (kind == OrgKind::section && entry->departmentId != departmentId.value_or(0))) {
        throw Error(ErrorCode::not_found,
                    "no " + std::string(toString(kind)) + " with id " + std::to_string(id));
    }
    return *entry;
}

OrgEntry loadDepartment(Transaction& tx, const Principal& by, std::optional<Id> departmentId) {
    return loadEntry(tx, by, OrgKind::department, departmentId.value_or(0), std::nullopt);
}

std::vector<OrgEntryView> sectionsOf(Transaction& tx, const OrgEntry& department) {
    const std::map<std::string, std::int64_t> counts =
        userCountsOf(tx, OrgKind::section, department.tenantId);
    OrgListRequest request;
    request.departmentId = department.id;
    request.limit = OrgLimits::maxSectionsPerDepartment;
    std::vector<OrgEntryView> sections;
    for (OrgEntry& section : tx.org().list(OrgKind::section, department.tenantId, request)) {
        const std::string key = folded(department.name) + "\n" + folded(section.name);
        sections.push_back({std::move(section), countIn(counts, key), {}});
    }
    return sections;
}

OrgEntryView viewOf(Transaction& tx, const OrgEntry& entry) {
    OrgEntryView view{entry, usersCarrying(tx, entry), {}};
    if (entry.kind == OrgKind::department) view.sections = sectionsOf(tx, entry);
    return view;
}

void requireAdminScope(const Principal& by) {
    requireScope(by, {TokenScope::admin, TokenScope::operator_});
}

}  // namespace

std::string_view toString(OrgKind kind) {
    switch (kind) {
        case OrgKind::department:
            return "department";
        case OrgKind::section:
            return "section";
        case OrgKind::team:
            return "team";
        case OrgKind::site:
            return "site";
        case OrgKind::tag:
            return "tag";
    }
    return "team";
}

std::string_view toString(TagKind kind) { return kind == TagKind::dynamic ? "dynamic" : "static"; }

std::optional<TagKind> parseTagKind(std::string_view text) {
    if (text == "static") return TagKind::static_;
    if (text == "dynamic") return TagKind::dynamic;
    return std::nullopt;
}

policies::TagAttributes tagAttributesOf(const User& user) {
    std::vector<std::string> emails;
    for (const Identifier& identifier : user.identifiers) {
        if (identifier.kind == IdentifierKind::email) emails.push_back(identifier.value);
    }
    return {
        {"department", {user.department}},
        {"section", {user.section}},
        {"team", {user.team}},
        {"title", {user.title}},
        {"userType", {user.userType}},
        {"employeeNumber", {user.employeeNumber}},
        {"costCenter", {user.costCenter}},
        {"organization", {user.organization}},
        {"division", {user.division}},
        {"status", {std::string(toString(user.status))}},
        {"userName", {user.userName}},
        {"email", emails},
        {"locale", {user.locale}},
        {"timezone", {user.timezone}},
    };
}

User applyOrgStructure(Transaction& tx, const Principal& by, const User& input) {
    User user = input;
    const Id tenantId = user.tenantId;

    user.department = trimmed(user.department);
    user.section = trimmed(user.section);
    if (user.department.empty() && !user.section.empty()) {
        throw Error(ErrorCode::invalid_input,
                    "section \"" + user.section + "\" needs a department to belong to", "section");
    }
    if (!user.department.empty()) {
        const OrgEntry department = ensureEntry(tx, by, OrgKind::department, tenantId, 0,
                                                user.department, "department", input);
        user.department = department.name;
        if (!user.section.empty()) {
            user.section = ensureEntry(tx, by, OrgKind::section, tenantId, department.id,
                                       user.section, "section", input)
                               .name;
        }
    }

    user.team = trimmed(user.team);
    if (!user.team.empty()) {
        user.team = ensureEntry(tx, by, OrgKind::team, tenantId, 0, user.team, "team", input).name;
    }

    // SPEC U-10: sites must exist before users are given them.
    std::vector<std::string> sites;
    if (user.sites.mode == SiteAccess::Mode::listed) {
        std::set<Id> seen;
        for (const std::string& given : user.sites.sites) {
            const std::string name = trimmed(given);
            if (name.empty()) continue;
            std::optional<OrgEntry> site = tx.org().findByName(OrgKind::site, tenantId, 0, name);
            if (!site) {
                throw Error(
                    ErrorCode::invalid_input,
                    "unknown site \"" + name + "\": sites must exist before users are given them",
                    "sites");
            }
            if (seen.insert(site->id).second) sites.push_back(site->name);
        }
    }
    user.sites.sites = sites;

    // Static tags as given (new ones join the catalogue); tags named like a
    // dynamic tag are not the writer's to set and are recomputed.
    const std::vector<OrgEntry> dynamic = tx.org().dynamicTags(tenantId);
    std::set<std::string> dynamicNames;
    for (const OrgEntry& tag : dynamic) dynamicNames.insert(folded(tag.name));
    std::vector<std::string> tags;
    std::set<std::string> seen;
    for (const std::string& given : user.tags) {
        const std::string name = trimmed(given);
        if (name.empty() || dynamicNames.count(folded(name)) || !seen.insert(folded(name)).second) {
            continue;
        }
        tags.push_back(ensureEntry(tx, by, OrgKind::tag, tenantId, 0, name, "tags", input).name);
    }
    user.tags = tags;
    user.tags = tagsWithDynamic(user, dynamic);
    return user;
}

OrgPage OrgService::list(const Principal& by, OrgKind kind, std::optional<Id> departmentId,
                         const OrgListParams& params) {
    requireAdminScope(by);
    if (params.limit < 1 || params.limit > maxPageSize) {
        throw Error(ErrorCode::invalid_input,
                    "limit must be a whole number from 1 to " + std::to_string(maxPageSize),
                    "limit");
    }
    auto tx = store_.beginRead();
    OrgListRequest request;
    request.limit = params.limit + 1;  // one more says whether another page follows
    request.tagKind = params.tagKind;
    std::optional<OrgEntry> department;
    if (kind == OrgKind::section) {
        department = loadDepartment(*tx, by, departmentId);
        request.departmentId = department->id;
    }
    if (params.cursor) applyCursor(*params.cursor, request);

    std::vector<OrgEntry> entries = tx->org().list(kind, by.tenantId, request);
    OrgPage page;
    if (static_cast<std::int64_t>(entries.size()) > params.limit) {
        entries.resize(static_cast<std::size_t>(params.limit));
        page.nextCursor = cursorAfter(entries.back());
    }
    const std::map<std::string, std::int64_t> counts = userCountsOf(*tx, kind, by.tenantId);
    for (OrgEntry& entry : entries) {
        std::string key = folded(entry.name);
        if (department) key = folded(department->name) + "\n" + key;
        const std::int64_t users = countIn(counts, key);
        page.items.push_back({std::move(entry), users, {}});
    }
    return page;
}

OrgEntryView OrgService::get(const Principal& by, OrgKind kind, Id id,
                             std::optional<Id> departmentId) {
    requireAdminScope(by);
    auto tx = store_.beginRead();
    if (kind == OrgKind::section) loadDepartment(*tx, by, departmentId);
    return viewOf(*tx, loadEntry(*tx, by, kind, id, departmentId));
}

OrgEntryView OrgService::create(const Principal& by, const OrgEntry& input) {
    requireAdminScope(by);
    OrgEntry entry = input;
    entry.id = 0;
    entry.tenantId = by.tenantId;
    entry.name = trimmed(entry.name);
    checkName(entry.name, entry.kind, "name");
    checkDescription(entry.description);
    if (entry.kind != OrgKind::tag && entry.rule) {
        throw Error(ErrorCode::invalid_input, "only tags have a rule", "rule");
    }
    if (entry.rule) checkRule(*entry.rule);
    entry.tagKind = entry.rule ? TagKind::dynamic : TagKind::static_;
    if (entry.kind != OrgKind::section) entry.departmentId = 0;

    auto tx = store_.beginWrite();
    if (entry.kind == OrgKind::section) {
        entry.departmentId = loadDepartment(*tx, by, entry.departmentId).id;
    }
    checkRoomFor(*tx, entry.kind, by.tenantId, entry.departmentId, limitOf(entry.kind));
    if (entry.tagKind == TagKind::dynamic &&
        dynamicTagCount(*tx, by.tenantId) >= OrgLimits::maxDynamicTags) {
        throw Error(
            ErrorCode::too_many,
            "a tenant has at most " + std::to_string(OrgLimits::maxDynamicTags) + " dynamic tags",
            "rule");
    }
    const OrgEntry created = tx->org().create(entry);
    Snapshot after = snapshotOf(created);
    if (created.tagKind == TagKind::dynamic) {
        after["usersUpdated"] = std::to_string(reevaluateDynamicTags(*tx, by.tenantId));
    }
    recordEvent(*tx, by, created, "create", std::nullopt, after);
    OrgEntryView view = viewOf(*tx, created);
    tx->commit();
    return view;
}

OrgEntryView OrgService::edit(const Principal& by, OrgKind kind, Id id, const OrgEdit& edit,
                              std::optional<Id> departmentId) {
    requireAdminScope(by);
    if (kind != OrgKind::tag && edit.rule) {
        throw Error(ErrorCode::invalid_input, "only tags have a rule", "rule");
    }
    if (edit.rule && *edit.rule) checkRule(**edit.rule);
    if (edit.description) checkDescription(*edit.description);

    auto tx = store_.beginWrite();
    const OrgEntry before = loadEntry(*tx, by, kind, id, departmentId);
    OrgEntry entry = before;
    if (edit.name) {
        entry.name = trimmed(*edit.name);
        checkName(entry.name, kind, "name");
    }
    if (edit.description) entry.description = *edit.description;
    bool ruleChanged = false;
    if (edit.rule) {
        entry.rule = *edit.rule;
        entry.tagKind = entry.rule ? TagKind::dynamic : TagKind::static_;
        ruleChanged = entry.rule != before.rule;
        if (entry.tagKind == TagKind::dynamic && before.tagKind != TagKind::dynamic &&
            dynamicTagCount(*tx, by.tenantId) >= OrgLimits::maxDynamicTags) {
            throw Error(ErrorCode::too_many,
                        "a tenant has at most " + std::to_string(OrgLimits::maxDynamicTags) +
                            " dynamic tags",
                        "rule");
        }
    }
    // Refuses a name taken by another entry before any user changes.
    const OrgEntry updated = tx->org().update(entry);

    std::int64_t usersUpdated = 0;
    if (updated.name != before.name) {
        usersUpdated += replaceInUsers(*tx, updated, before.name, updated.name);
    }
    if (ruleChanged) usersUpdated += reevaluateDynamicTags(*tx, by.tenantId);

    Snapshot after = snapshotOf(updated);
    after["usersUpdated"] = std::to_string(usersUpdated);
    recordEvent(*tx, by, updated, "update", snapshotOf(before), after);
    OrgEntryView view = viewOf(*tx, updated);
    tx->commit();
    return view;
}

void OrgService::remove(const Principal& by, OrgKind kind, Id id, bool force,
                        std::optional<Id> departmentId) {
    requireAdminScope(by);
    auto tx = store_.beginWrite();
    const OrgEntry entry = loadEntry(*tx, by, kind, id, departmentId);
    const std::int64_t users = usersCarrying(*tx, entry);
    if (users > 0 && !force) {
        throw Error(ErrorCode::conflict,
                    std::string(toString(kind)) + " \"" + entry.name + "\" is used by " +
                        usersText(users) +
                        "; take it away from them first, or delete with ?force=true to take it "
                        "away from them in the same step",
                    std::string(toString(kind)));
    }
    std::int64_t usersUpdated = 0;
    if (users > 0) usersUpdated = replaceInUsers(*tx, entry, entry.name, "");
    tx->org().remove(kind, by.tenantId, id);
    std::optional<Snapshot> after;
    if (usersUpdated > 0) after = Snapshot{{"usersUpdated", std::to_string(usersUpdated)}};
    recordEvent(*tx, by, entry, "delete", snapshotOf(entry), after);
    tx->commit();
}

}  // namespace muster
