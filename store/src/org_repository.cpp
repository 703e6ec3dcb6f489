#include "org_repository.hpp"

#include <nlohmann/json.hpp>

#include "sql_errors.hpp"
#include "sql_statement.hpp"
#include "sql_text.hpp"

namespace muster::store {

namespace {

const char* tableOf(OrgKind kind) {
    switch (kind) {
        case OrgKind::department:
            return "departments";
        case OrgKind::section:
            return "sections";
        case OrgKind::team:
            return "teams";
        case OrgKind::site:
            return "sites";
        case OrgKind::tag:
            return "tags";
    }
    return "teams";
}

// Names are unique per tenant; sections per department.
const char* scopeColumn(OrgKind kind) {
    return kind == OrgKind::section ? "department_id" : "tenant_id";
}

// A dynamic tag's rule as stored: the same JSON the admin API takes,
// {"all": [{"attribute": "department", "op": "eq", "value": "Sales"}]}.
std::string ruleText(const std::optional<policies::TagRule>& rule) {
    if (!rule) return {};
    nlohmann::json conditions = nlohmann::json::array();
    for (const policies::TagCondition& condition : rule->conditions) {
        nlohmann::json value =
            condition.op == policies::TagRuleOp::in
                ? nlohmann::json(condition.values)
                : nlohmann::json(condition.values.empty() ? std::string()
                                                          : condition.values.front());
        conditions.push_back({{"attribute", condition.attribute},
                              {"op", std::string(policies::toString(condition.op))},
                              {"value", value}});
    }
    return nlohmann::json{{std::string(policies::toString(rule->join)), conditions}}.dump();
}

std::optional<policies::TagRule> ruleOf(const std::string& text) {
    if (text.empty()) return std::nullopt;
    try {
        const nlohmann::json json = nlohmann::json::parse(text);
        policies::TagRule rule;
        rule.join = json.contains("any") ? policies::TagRuleJoin::any : policies::TagRuleJoin::all;
        for (const nlohmann::json& item : json.at(std::string(policies::toString(rule.join)))) {
            policies::TagCondition condition;
            condition.attribute = item.at("attribute").get<std::string>();
            condition.op = policies::parseTagRuleOp(item.at("op").get<std::string>())
                               .value_or(policies::TagRuleOp::eq);
            const nlohmann::json& value = item.at("value");
            if (value.is_array()) {
                condition.values = value.get<std::vector<std::string>>();
            } else {
                condition.values = {value.get<std::string>()};
            }
            rule.conditions.push_back(std::move(condition));
        }
        return rule;
    } catch (const nlohmann::json::exception& error) {
        // Only this repository writes the column; unreadable text is a bug.
        throw Error(ErrorCode::internal,
                    std::string("stored tag rule is unreadable: ") + error.what());
    }
}

// One catalogue row as SOCI exchanges it.
struct EntryRow {
    Id id = 0;
    Id tenantId = 0;
    Id departmentId = 0;
    std::string name, nameNorm, description, tagKind = "static", rule;
    Timestamp createdAt = 0;
    Timestamp updatedAt = 0;
};

OrgEntry entryOf(OrgKind kind, const EntryRow& row) {
    OrgEntry entry;
    entry.id = row.id;
    entry.tenantId = row.tenantId;
    entry.kind = kind;
    entry.departmentId = row.departmentId;
    entry.name = row.name;
    entry.description = row.description;
    entry.tagKind = parseTagKind(row.tagKind).value_or(TagKind::static_);
    entry.rule = ruleOf(row.rule);
    entry.createdAt = row.createdAt;
    entry.updatedAt = row.updatedAt;
    return entry;
}

EntryRow rowOf(const OrgEntry& entry) {
    EntryRow row;
    row.id = entry.id;
    row.tenantId = entry.tenantId;
    row.departmentId = entry.departmentId;
    row.name = entry.name;
    row.nameNorm = normalized(entry.name);
    row.description = entry.description;
    row.tagKind = std::string(toString(entry.tagKind));
    row.rule = ruleText(entry.rule);
    row.createdAt = entry.createdAt;
    row.updatedAt = entry.updatedAt;
    return row;
}

// The columns every select reads, in EntryRow order; the kinds without a
// department or a tag kind read constants so one row shape serves all.
std::string selectColumns(OrgKind kind) {
    std::string columns = "SELECT id, tenant_id, ";
    columns += kind == OrgKind::section ? "department_id" : "CAST(0 AS BIGINT)";
    columns += ", name, description, ";
    columns += kind == OrgKind::tag ? "kind, COALESCE(rule, '')"
                                    : "CAST('static' AS TEXT), CAST('' AS TEXT)";
    columns += ", created_at, updated_at FROM ";
    return columns + tableOf(kind) + " ";
}

template <typename... Param>
std::vector<OrgEntry> selectEntries(soci::session& sql, OrgKind kind, const std::string& where,
                                    Param&... param) {
    SqlStatement st(sql, selectColumns(kind) + where, Reuse::prepared);
    EntryRow row;
    st.into(row.id);
    st.into(row.tenantId);
    st.into(row.departmentId);
    st.into(row.name);
    st.into(row.description);
    st.into(row.tagKind);
    st.into(row.rule);
    st.into(row.createdAt);
    st.into(row.updatedAt);
    (st.use(param), ...);
    std::vector<OrgEntry> entries;
    for (bool more = st.execute(); more; more = st.fetchNext()) {
        entries.push_back(entryOf(kind, row));
    }
    return entries;
}

std::optional<OrgEntry> firstOf(std::vector<OrgEntry> entries) {
    if (entries.empty()) return std::nullopt;
    return std::move(entries.front());
}

std::string insertText(OrgKind kind, bool ignoreDuplicate) {
    std::string columns = "tenant_id, name, name_norm, description, created_at, updated_at";
    std::string values = ":tenant_id, :name, :name_norm, :description, :created_at, :updated_at";
    if (kind == OrgKind::section) {
        columns += ", department_id";
        values += ", :department_id";
    }
    if (kind == OrgKind::tag) {
        columns += ", kind, rule";
        values += ", :kind, :rule";
    }
    std::string text =
        std::string("INSERT INTO ") + tableOf(kind) + " (" + columns + ") VALUES (" + values + ")";
    if (ignoreDuplicate) {
        text += std::string(" ON CONFLICT (") + scopeColumn(kind) + ", name_norm) DO NOTHING";
    }
    return text + " RETURNING id";
}

// Runs an INSERT from insertText(); false when ON CONFLICT skipped it.
bool insertRow(soci::session& sql, OrgKind kind, EntryRow& row, bool ignoreDuplicate) {
    SqlStatement st(sql, insertText(kind, ignoreDuplicate), Reuse::prepared);
    st.use(row.tenantId);
    st.use(row.name);
    st.use(row.nameNorm);
    st.use(row.description);
    st.use(row.createdAt);
    st.use(row.updatedAt);
    if (kind == OrgKind::section) st.use(row.departmentId);
    soci::indicator ruleInd = row.rule.empty() ? soci::i_null : soci::i_ok;
    if (kind == OrgKind::tag) {
        st.use(row.tagKind);
        st.use(row.rule, ruleInd);
    }
    st.into(row.id);
    return st.execute();
}

Error duplicateName(OrgKind kind, const std::string& name) {
    return Error(ErrorCode::conflict,
                 std::string("a ") + std::string(toString(kind)) + " named \"" + name +
                     "\" already exists" + (kind == OrgKind::section ? " in this department" : ""),
                 "name");
}

bool isDuplicateName(const soci::soci_error& error, OrgKind kind) {
    return violatedUniqueIndex(error) == std::string("ux_") + tableOf(kind) + "_name";
}

std::vector<UserNames> selectUserLines(soci::session& sql, const std::string& query, Id tenantId) {
    SqlStatement st(sql, query, Reuse::prepared);
    Id userId = 0;
    std::string lines;
    st.into(userId);
    st.into(lines);
    st.use(tenantId);
    std::vector<UserNames> users;
    for (bool more = st.execute(); more; more = st.fetchNext()) {
        users.push_back({userId, splitLines(lines)});
    }
    return users;
}

}  // namespace

OrgEntry SqlOrgRepository::create(const OrgEntry& entry) {
    return translateErrors([&] {
        EntryRow row = rowOf(entry);
        row.createdAt = row.updatedAt = nowMillis();
        try {
            insertRow(sql_, entry.kind, row, false);
        } catch (const soci::soci_error& error) {
            if (isDuplicateName(error, entry.kind)) throw duplicateName(entry.kind, entry.name);
            throw;
        }
        return entryOf(entry.kind, row);
    });
}

OrgEntry SqlOrgRepository::ensure(const OrgEntry& entry, bool& created) {
    return translateErrors([&] {
        EntryRow row = rowOf(entry);
        row.createdAt = row.updatedAt = nowMillis();
        created = insertRow(sql_, entry.kind, row, true);
        if (created) return entryOf(entry.kind, row);
        std::optional<OrgEntry> existing =
            findByName(entry.kind, entry.tenantId, entry.departmentId, entry.name);
        if (!existing) {
            throw Error(ErrorCode::internal, std::string("a ") + std::string(toString(entry.kind)) +
                                                 " was neither inserted nor found");
        }
        return *existing;
    });
}

std::optional<OrgEntry> SqlOrgRepository::find(OrgKind kind, Id tenantId, Id id) {
    return translateErrors([&] {
        return firstOf(
            selectEntries(sql_, kind, "WHERE tenant_id = :tenant_id AND id = :id", tenantId, id));
    });
}

std::optional<OrgEntry> SqlOrgRepository::findByName(OrgKind kind, Id tenantId, Id departmentId,
                                                     const std::string& name) {
    return translateErrors([&] {
        std::string norm = normalized(name);
        if (kind == OrgKind::section) {
            return firstOf(selectEntries(sql_, kind,
                                         "WHERE tenant_id = :tenant_id AND department_id = "
                                         ":department_id AND name_norm = :name_norm",
                                         tenantId, departmentId, norm));
        }
        return firstOf(selectEntries(
            sql_, kind, "WHERE tenant_id = :tenant_id AND name_norm = :name_norm", tenantId, norm));
    });
}

OrgEntry SqlOrgRepository::update(const OrgEntry& entry) {
    return translateErrors([&] {
        EntryRow row = rowOf(entry);
        row.updatedAt = nowMillis();
        std::string text = std::string("UPDATE ") + tableOf(entry.kind) +
                           " SET name = :name, name_norm = :name_norm, description = "
                           ":description, updated_at = :updated_at";
        if (entry.kind == OrgKind::tag) text += ", kind = :kind, rule = :rule";
        text += " WHERE tenant_id = :tenant_id AND id = :id";
        SqlStatement st(sql_, text, Reuse::prepared);
        st.use(row.name);
        st.use(row.nameNorm);
        st.use(row.description);
        st.use(row.updatedAt);
        soci::indicator ruleInd = row.rule.empty() ? soci::i_null : soci::i_ok;
        if (entry.kind == OrgKind::tag) {
            st.use(row.tagKind);
            st.use(row.rule, ruleInd);
        }
        st.use(row.tenantId);
        st.use(row.id);
        try {
            st.execute();
        } catch (const soci::soci_error& error) {
            if (isDuplicateName(error, entry.kind)) throw duplicateName(entry.kind, entry.name);
            throw;
        }
        if (st.affectedRows() == 0) {
            throw Error(ErrorCode::not_found, "no " + std::string(toString(entry.kind)) +
                                                  " with id " + std::to_string(entry.id));
        }
        OrgEntry updated = entry;
        updated.updatedAt = row.updatedAt;
        return updated;
    });
}

void SqlOrgRepository::remove(OrgKind kind, Id tenantId, Id id) {
    translateErrors([&] {
        if (kind == OrgKind::department) {
            SqlStatement sections(
                sql_, "DELETE FROM sections WHERE tenant_id = :tenant_id AND department_id = :id",
                Reuse::prepared);
            sections.use(tenantId);
            sections.use(id);
            sections.execute();
        }
        SqlStatement st(sql_,
                        std::string("DELETE FROM ") + tableOf(kind) +
                            " WHERE tenant_id = :tenant_id AND id = :id",
                        Reuse::prepared);
        st.use(tenantId);
        st.use(id);
        st.execute();
    });
}

std::vector<OrgEntry> SqlOrgRepository::list(OrgKind kind, Id tenantId,
                                             const OrgListRequest& request) {
    return translateErrors([&] {
        std::string where = "WHERE tenant_id = :tenant_id";
        Id departmentId = request.departmentId.value_or(0);
        std::string tagKind = request.tagKind ? std::string(toString(*request.tagKind)) : "";
        std::string afterName = request.afterNameNorm.value_or("");
        Id afterId = request.afterId;
        std::int64_t limit = std::max<std::int64_t>(request.limit, 0);
        if (kind == OrgKind::section) where += " AND department_id = :department_id";
        if (kind == OrgKind::tag && request.tagKind) where += " AND kind = :kind";
        if (request.afterNameNorm) {
            where +=
                " AND (name_norm > :after_name OR (name_norm = :after_name2 AND id > :after_id))";
        }
        where += " ORDER BY name_norm, id LIMIT :limit";

        // Bind in the order the placeholders appear.
        SqlStatement st(sql_, selectColumns(kind) + where, Reuse::prepared);
        EntryRow row;
        st.into(row.id);
        st.into(row.tenantId);
        st.into(row.departmentId);
        st.into(row.name);
        st.into(row.description);
        st.into(row.tagKind);
        st.into(row.rule);
        st.into(row.createdAt);
        st.into(row.updatedAt);
        st.use(tenantId);
        if (kind == OrgKind::section) st.use(departmentId);
        if (kind == OrgKind::tag && request.tagKind) st.use(tagKind);
        std::string afterName2 = afterName;
        if (request.afterNameNorm) {
            st.use(afterName);
            st.use(afterName2);
            st.use(afterId);
        }
        st.use(limit);
        std::vector<OrgEntry> entries;
        for (bool more = st.execute(); more; more = st.fetchNext()) {
            entries.push_back(entryOf(kind, row));
        }
        return entries;
    });
}

std::int64_t SqlOrgRepository::count(OrgKind kind, Id tenantId, Id departmentId) {
    return translateErrors([&] {
        std::string text =
            std::string("SELECT COUNT(*) FROM ") + tableOf(kind) + " WHERE tenant_id = :tenant_id";
        if (kind == OrgKind::section) text += " AND department_id = :department_id";
        SqlStatement st(sql_, text, Reuse::prepared);
        std::int64_t count = 0;
        st.into(count);
        st.use(tenantId);
        if (kind == OrgKind::section) st.use(departmentId);
        st.execute();
        return count;
    });
}

std::vector<OrgEntry> SqlOrgRepository::dynamicTags(Id tenantId) {
    return translateErrors([&] {
        std::string dynamic(toString(TagKind::dynamic));
        return selectEntries(sql_, OrgKind::tag,
                             "WHERE tenant_id = :tenant_id AND kind = :kind ORDER BY name_norm, id",
                             tenantId, dynamic);
    });
}

std::vector<OrgValueCount> SqlOrgRepository::userCounts(OrgKind kind, Id tenantId) {
    return translateErrors([&] {
        std::vector<OrgValueCount> counts;
        if (kind == OrgKind::tag || kind == OrgKind::site) return counts;  // lists: see usersWith*
        OrgValueCount row;
        std::string text;
        if (kind == OrgKind::section) {
            text =
                "SELECT department, section, COUNT(*) FROM users WHERE tenant_id = :tenant_id AND "
                "section <> '' GROUP BY department, section";
        } else {
            const char* column = kind == OrgKind::department ? "department" : "team";
            text = std::string("SELECT ") + column +
                   ", CAST('' AS TEXT), COUNT(*) FROM users WHERE tenant_id = "
                   ":tenant_id AND " +
                   column + " <> '' GROUP BY " + column;
        }
        SqlStatement st(sql_, text, Reuse::prepared);
        st.into(row.value);
        st.into(row.section);
        st.into(row.users);
        st.use(tenantId);
        for (bool more = st.execute(); more; more = st.fetchNext()) counts.push_back(row);
        return counts;
    });
}

std::vector<UserNames> SqlOrgRepository::usersWithTags(Id tenantId) {
    return translateErrors([&] {
        return selectUserLines(
            sql_, "SELECT id, tags FROM users WHERE tenant_id = :tenant_id AND tags <> ''",
            tenantId);
    });
}

std::vector<UserNames> SqlOrgRepository::usersWithListedSites(Id tenantId) {
    return translateErrors([&] {
        return selectUserLines(sql_,
                               "SELECT id, sites FROM users WHERE tenant_id = :tenant_id AND "
                               "sites_mode = 'listed' AND sites <> ''",
                               tenantId);
    });
}

std::int64_t SqlOrgRepository::replaceUserValue(OrgKind kind, Id tenantId,
                                                const std::string& department,
                                                const std::string& from, const std::string& to) {
    return translateErrors([&]() -> std::int64_t {
        std::string text;
        switch (kind) {
            case OrgKind::department:
                text = to.empty() ? "UPDATE users SET department = :to, section = ''"
                                  : "UPDATE users SET department = :to";
                break;
            case OrgKind::section:
                text = "UPDATE users SET section = :to";
                break;
            case OrgKind::team:
                text = "UPDATE users SET team = :to";
                break;
            case OrgKind::site:
            case OrgKind::tag:
                throw Error(ErrorCode::internal, "tags and sites are lists: set them per user");
        }
        text += ", version = version + 1, updated_at = :now WHERE tenant_id = :tenant_id AND ";
        text += kind == OrgKind::section ? "department = :department AND section = :from"
                : kind == OrgKind::team  ? "team = :from"
                                         : "department = :from";
        SqlStatement st(sql_, text, Reuse::prepared);
        std::string toValue = to, fromValue = from, departmentValue = department;
        Timestamp now = nowMillis();
        Id tenant = tenantId;
        st.use(toValue);
        st.use(now);
        st.use(tenant);
        if (kind == OrgKind::section) st.use(departmentValue);
        st.use(fromValue);
        st.execute();
        return st.affectedRows();
    });
}

void SqlOrgRepository::setUserTags(Id tenantId, Id userId, const std::vector<std::string>& tags) {
    translateErrors([&] {
        SqlStatement st(sql_,
                        "UPDATE users SET tags = :tags, version = version + 1, updated_at = :now "
                        "WHERE tenant_id = :tenant_id AND id = :id",
                        Reuse::prepared);
        std::string lines = joinLines(tags);
        Timestamp now = nowMillis();
        st.use(lines);
        st.use(now);
        st.use(tenantId);
        st.use(userId);
        st.execute();
    });
}

void SqlOrgRepository::setUserSites(Id tenantId, Id userId, const SiteAccess& sites) {
    translateErrors([&] {
        SqlStatement st(sql_,
                        "UPDATE users SET sites_mode = :mode, sites = :sites, version = version + "
                        "1, updated_at = :now WHERE tenant_id = :tenant_id AND id = :id",
                        Reuse::prepared);
        std::string mode(sitesModeName(sites.mode));
        std::string lines = joinLines(sites.sites);
        Timestamp now = nowMillis();
        st.use(mode);
        st.use(lines);
        st.use(now);
        st.use(tenantId);
        st.use(userId);
        st.execute();
    });
}

std::vector<User> SqlOrgRepository::usersForTagRules(Id tenantId, Id afterId, std::int64_t limit) {
    return translateErrors([&] {
        SqlStatement st(sql_,
                        "SELECT id, user_name, title, user_type, locale, timezone, "
                        "employee_number, cost_center, organization, division, department, "
                        "section, team, status, tags FROM users WHERE tenant_id = :tenant_id AND "
                        "id > :after ORDER BY id LIMIT :limit",
                        Reuse::prepared);
        User row;
        std::string status, tags;
        st.into(row.id);
        st.into(row.userName);
        st.into(row.title);
        st.into(row.userType);
        st.into(row.locale);
        st.into(row.timezone);
        st.into(row.employeeNumber);
        st.into(row.costCenter);
        st.into(row.organization);
        st.into(row.division);
        st.into(row.department);
        st.into(row.section);
        st.into(row.team);
        st.into(status);
        st.into(tags);
        st.use(tenantId);
        st.use(afterId);
        st.use(limit);
        std::vector<User> users;
        for (bool more = st.execute(); more; more = st.fetchNext()) {
            User user = row;
            user.tenantId = tenantId;
            user.status = parseUserStatus(status).value_or(UserStatus::active);
            user.tags = splitLines(tags);
            users.push_back(std::move(user));
        }
        if (users.empty()) return users;

        // Their email addresses, in one query for the whole batch.
        SqlStatement emails(sql_,
                            "SELECT user_id, value FROM identifiers WHERE tenant_id = :tenant_id "
                            "AND kind = :kind AND user_id >= :first AND user_id <= :last "
                            "ORDER BY user_id, position",
                            Reuse::prepared);
        Id userId = 0;
        std::string value;
        std::string kind(toString(IdentifierKind::email));
        Id first = users.front().id, last = users.back().id;
        emails.into(userId);
        emails.into(value);
        emails.use(tenantId);
        emails.use(kind);
        emails.use(first);
        emails.use(last);
        std::size_t at = 0;
        for (bool more = emails.execute(); more; more = emails.fetchNext()) {
            while (at < users.size() && users[at].id < userId) ++at;
            if (at == users.size()) break;
            if (users[at].id != userId) continue;
            Identifier email;
            email.kind = IdentifierKind::email;
            email.value = value;
            users[at].identifiers.push_back(std::move(email));
        }
        return users;
    });
}

}  // namespace muster::store
