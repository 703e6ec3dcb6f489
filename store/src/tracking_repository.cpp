#include "agent_repositories.hpp"
#include "sql_errors.hpp"
#include "sql_statement.hpp"
#include "sql_text.hpp"

namespace muster::store {

namespace {

struct RuleRow {
    Id id = 0;
    Id tenantId = 0;
    Id userId = 0;
    soci::indicator userInd = soci::i_null;
    std::string username, domain, source, note;
    Timestamp createdAt = 0;
};

TrackingRuleRecord recordOf(const RuleRow& row) {
    TrackingRuleRecord record;
    record.id = row.id;
    record.tenantId = row.tenantId;
    if (row.userInd != soci::i_null) record.userId = row.userId;
    record.rule.username = row.username;
    record.rule.domain = row.domain;
    record.rule.source =
        policies::parseRuleSource(row.source).value_or(policies::RuleSource::exclusion);
    record.note = row.note;
    record.createdAt = row.createdAt;
    return record;
}

template <typename... Param>
std::vector<TrackingRuleRecord> selectRules(soci::session& sql, const std::string& where,
                                            Param&... param) {
    SqlStatement st(sql,
                    "SELECT id, tenant_id, user_id, username, domain, source, note, created_at "
                    "FROM tracking_rules " +
                        where,
                    Reuse::prepared);
    RuleRow row;
    st.into(row.id);
    st.into(row.tenantId);
    st.into(row.userId, row.userInd);
    st.into(row.username);
    st.into(row.domain);
    st.into(row.source);
    st.into(row.note);
    st.into(row.createdAt);
    (st.use(param), ...);
    std::vector<TrackingRuleRecord> rules;
    for (bool more = st.execute(); more; more = st.fetchNext()) rules.push_back(recordOf(row));
    return rules;
}

Id insertRule(soci::session& sql, Id tenantId, std::optional<Id> userId,
              const policies::TrackingRule& rule, const std::string& note, Timestamp createdAt) {
    SqlStatement st(sql,
                    "INSERT INTO tracking_rules (tenant_id, user_id, username, username_norm, "
                    "domain, domain_norm, source, note, created_at) VALUES (:tenant_id, :user_id, "
                    ":username, :username_norm, :domain, :domain_norm, :source, :note, "
                    ":created_at) RETURNING id",
                    Reuse::prepared);
    Id tenant = tenantId, user = userId.value_or(0), id = 0;
    soci::indicator userInd = userId ? soci::i_ok : soci::i_null;
    std::string username = rule.username, usernameNorm = normalized(rule.username);
    std::string domain = rule.domain, domainNorm = normalized(rule.domain);
    std::string source(policies::toString(rule.source)), noteText = note;
    Timestamp created = createdAt;
    st.use(tenant);
    st.use(user, userInd);
    st.use(username);
    st.use(usernameNorm);
    st.use(domain);
    st.use(domainNorm);
    st.use(source);
    st.use(noteText);
    st.use(created);
    st.into(id);
    st.execute();
    return id;
}

}  // namespace

std::vector<TrackingRuleRecord> SqlTrackingRepository::allRules(Id tenantId) {
    return translateErrors(
        [&] { return selectRules(sql_, "WHERE tenant_id = :tenant_id ORDER BY id", tenantId); });
}

std::vector<TrackingRuleRecord> SqlTrackingRepository::listRules(Id tenantId,
                                                                 const RuleFilter& filter) {
    return translateErrors([&] {
        std::string where = "WHERE tenant_id = :tenant_id AND id > :after";
        Id after = filter.afterId.value_or(0);
        std::int64_t limit = std::max<std::int64_t>(filter.limit, 0);
        if (filter.kind == RuleKind::user) where += " AND user_id IS NOT NULL";
        if (filter.kind == RuleKind::exclusion) where += " AND user_id IS NULL";
        Id userId = filter.userId.value_or(0);
        if (filter.userId) where += " AND user_id = :user_id";
        where += " ORDER BY id LIMIT :limit";
        if (filter.userId) return selectRules(sql_, where, tenantId, after, userId, limit);
        return selectRules(sql_, where, tenantId, after, limit);
    });
}

std::optional<TrackingRuleRecord> SqlTrackingRepository::findRule(Id tenantId, Id id) {
    return translateErrors([&]() -> std::optional<TrackingRuleRecord> {
        auto rules = selectRules(sql_, "WHERE tenant_id = :tenant_id AND id = :id", tenantId, id);
        if (rules.empty()) return std::nullopt;
        return rules.front();
    });
}

void SqlTrackingRepository::replaceUserRules(Id tenantId, Id userId,
                                             const std::vector<policies::TrackingRule>& rules) {
    translateErrors([&] {
        SqlStatement remove(sql_,
                            "DELETE FROM tracking_rules WHERE tenant_id = :tenant_id AND "
                            "user_id = :user_id",
                            Reuse::prepared);
        Id tenant = tenantId, user = userId;
        remove.use(tenant);
        remove.use(user);
        remove.execute();
        const Timestamp now = nowMillis();
        for (const policies::TrackingRule& rule : rules) {
            insertRule(sql_, tenantId, userId, rule, "", now);
        }
    });
}

TrackingRuleRecord SqlTrackingRepository::addExclusion(const TrackingRuleRecord& exclusion) {
    return translateErrors([&] {
        TrackingRuleRecord stored = exclusion;
        stored.userId.reset();
        stored.rule.source = policies::RuleSource::exclusion;
        stored.createdAt = nowMillis();
        try {
            stored.id = insertRule(sql_, stored.tenantId, std::nullopt, stored.rule, stored.note,
                                   stored.createdAt);
        } catch (const soci::soci_error& error) {
            if (violatedUniqueIndex(error) != "ux_tracking_exclusions") throw;
            throw Error(ErrorCode::conflict,
                        "an exclusion for \"" + stored.rule.username + "\" in " +
                            (stored.rule.everyDomain() ? std::string("every domain")
                                                       : "domain \"" + stored.rule.domain + "\"") +
                            " already exists",
                        "username");
        }
        return stored;
    });
}

bool SqlTrackingRepository::removeExclusion(Id tenantId, Id id) {
    return translateErrors([&] {
        SqlStatement st(sql_,
                        "DELETE FROM tracking_rules WHERE tenant_id = :tenant_id AND id = :id "
                        "AND user_id IS NULL",
                        Reuse::prepared);
        st.use(tenantId);
        st.use(id);
        st.execute();
        return st.affectedRows() > 0;
    });
}

std::int64_t SqlTrackingRepository::version(Id tenantId) {
    return translateErrors([&] {
        SqlStatement st(sql_, "SELECT version FROM tracking_state WHERE tenant_id = :tenant_id",
                        Reuse::prepared);
        std::int64_t version = 0;
        st.into(version);
        st.use(tenantId);
        if (!st.execute()) return std::int64_t{0};
        return version;
    });
}

void SqlTrackingRepository::bumpVersion(Id tenantId) {
    translateErrors([&] {
        // One statement for the first bump and every later one, safe against
        // two daemons bumping at once.
        SqlStatement st(
            sql_,
            "INSERT INTO tracking_state (tenant_id, version) VALUES (:tenant_id, 1) "
            "ON CONFLICT (tenant_id) DO UPDATE SET version = tracking_state.version + 1",
            Reuse::prepared);
        st.use(tenantId);
        st.execute();
    });
}

UntrackedFingerprint SqlTrackingRepository::untrackedFingerprint(Id tenantId) {
    return translateErrors([&] {
        SqlStatement st(sql_,
                        "SELECT COUNT(*), CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM users "
                        "WHERE tenant_id = :tenant_id AND tracked = 0",
                        Reuse::prepared);
        UntrackedFingerprint fingerprint;
        st.into(fingerprint.users);
        st.into(fingerprint.versionSum);
        st.use(tenantId);
        st.execute();
        return fingerprint;
    });
}

std::vector<UntrackedUserIdentifiers> SqlTrackingRepository::untrackedUsers(Id tenantId) {
    return translateErrors([&] {
        // A LEFT JOIN so users without identifiers are listed too (their
        // stale rules, if any, must go).
        SqlStatement st(sql_,
                        "SELECT u.id, i.kind, i.value, i.logon_domain, i.any_domain FROM users u "
                        "LEFT JOIN agent_placeholders p ON p.user_id = u.id "
                        "LEFT JOIN identifiers i ON i.user_id = u.id AND i.tenant_id = u.tenant_id "
                        "AND NOT (i.kind = 'email' AND i.value_norm = COALESCE(p.email_norm, '')) "
                        "WHERE u.tenant_id = :tenant_id AND u.tracked = 0 "
                        "ORDER BY u.id, i.position",
                        Reuse::prepared);
        Id userId = 0;
        std::string kind, value, logonDomain;
        int anyDomain = 0;
        soci::indicator kindInd = soci::i_null, valueInd = soci::i_null, domainInd = soci::i_null,
                        anyInd = soci::i_null;
        st.into(userId);
        st.into(kind, kindInd);
        st.into(value, valueInd);
        st.into(logonDomain, domainInd);
        st.into(anyDomain, anyInd);
        st.use(tenantId);
        std::vector<UntrackedUserIdentifiers> users;
        for (bool more = st.execute(); more; more = st.fetchNext()) {
            if (users.empty() || users.back().userId != userId) users.push_back({userId, {}});
            if (kindInd == soci::i_null) continue;
            Identifier identifier;
            identifier.kind = parseIdentifierKind(kind).value_or(IdentifierKind::email);
            identifier.value = value;
            identifier.logonDomain = domainInd == soci::i_null ? std::string() : logonDomain;
            identifier.anyDomain = anyInd != soci::i_null && anyDomain != 0;
            users.back().identifiers.push_back(std::move(identifier));
        }
        return users;
    });
}

void SqlActivityRepository::append(const std::vector<ActivityRecord>& records) {
    translateErrors([&] {
        for (const ActivityRecord& record : records) {
            SqlStatement st(sql_,
                            "INSERT INTO activity_data (tenant_id, user_id, device_id, kind, "
                            "started_at, ended_at, detail) VALUES (:tenant_id, :user_id, "
                            ":device_id, :kind, :started_at, :ended_at, :detail)",
                            Reuse::prepared);
            ActivityRecord row = record;
            Id device = row.deviceId.value_or(0);
            soci::indicator deviceInd = row.deviceId ? soci::i_ok : soci::i_null;
            st.use(row.tenantId);
            st.use(row.userId);
            st.use(device, deviceInd);
            st.use(row.kind);
            st.use(row.startedAt);
            st.use(row.endedAt);
            st.use(row.detail);
            st.execute();
        }
    });
}

std::int64_t SqlActivityRepository::countOf(Id tenantId, Id userId) {
    return translateErrors([&] {
        SqlStatement st(sql_,
                        "SELECT COUNT(*) FROM activity_data WHERE tenant_id = :tenant_id AND "
                        "user_id = :user_id",
                        Reuse::prepared);
        std::int64_t count = 0;
        st.into(count);
        st.use(tenantId);
        st.use(userId);
        st.execute();
        return count;
    });
}

std::int64_t SqlActivityRepository::deleteAllOf(Id tenantId, Id userId) {
    return translateErrors([&] {
        SqlStatement st(sql_,
                        "DELETE FROM activity_data WHERE tenant_id = :tenant_id AND "
                        "user_id = :user_id",
                        Reuse::prepared);
        st.use(tenantId);
        st.use(userId);
        st.execute();
        return static_cast<std::int64_t>(st.affectedRows());
    });
}

}  // namespace muster::store
