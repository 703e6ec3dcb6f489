#include <algorithm>

#include "query_sql.hpp"
#include "repositories.hpp"
#include "sql_errors.hpp"
#include "sql_statement.hpp"
#include "sql_text.hpp"

namespace muster::store {

namespace {

struct GroupRow {
    Id id = 0;
    Id tenantId = 0;
    std::string displayName, displayNameNorm, externalId;
    double goal = 0;
    soci::indicator goalInd = soci::i_null;
    std::int64_t version = 1;
    Timestamp createdAt = 0;
    Timestamp updatedAt = 0;
};

GroupRow rowOf(const Group& group) {
    GroupRow row;
    row.id = group.id;
    row.tenantId = group.tenantId;
    row.displayName = group.displayName;
    row.displayNameNorm = normalized(group.displayName);
    row.externalId = group.externalId;
    row.goal = group.productiveHoursGoal.value_or(0);
    row.goalInd = group.productiveHoursGoal ? soci::i_ok : soci::i_null;
    row.version = group.version;
    row.createdAt = group.createdAt;
    row.updatedAt = group.updatedAt;
    return row;
}

Group groupOf(const GroupRow& row) {
    Group group;
    group.id = row.id;
    group.tenantId = row.tenantId;
    group.displayName = row.displayName;
    group.externalId = row.externalId;
    if (row.goalInd != soci::i_null) group.productiveHoursGoal = row.goal;
    group.version = row.version;
    group.createdAt = row.createdAt;
    group.updatedAt = row.updatedAt;
    return group;
}

// Scalar fields only; see completeGroup.
template <typename... Param>
std::vector<Group> selectGroups(soci::session& sql, const std::string& where, Param&... param) {
    SqlStatement st(sql,
                    "SELECT id, tenant_id, display_name, external_id, productive_hours_goal, "
                    "version, created_at, updated_at FROM groups " +
                        where,
                    Reuse::prepared);
    GroupRow row;
    st.into(row.id);
    st.into(row.tenantId);
    st.into(row.displayName);
    st.into(row.externalId);
    st.into(row.goal, row.goalInd);
    st.into(row.version);
    st.into(row.createdAt);
    st.into(row.updatedAt);
    (st.use(param), ...);
    std::vector<Group> groups;
    for (bool more = st.execute(); more; more = st.fetchNext()) groups.push_back(groupOf(row));
    return groups;
}

// A user member shows its display name, or its userName when it has none.
void loadUserMembers(soci::session& sql, Group& group) {
    SqlStatement st(sql,
                    "SELECT u.id, u.display_name, u.user_name FROM group_members m "
                    "JOIN users u ON u.id = m.member_user_id "
                    "WHERE m.tenant_id = :tenant_id AND m.group_id = :group_id ORDER BY u.id",
                    Reuse::prepared);
    GroupMember member;
    member.kind = GroupMember::Kind::user;
    std::string displayName, userName;
    st.into(member.id);
    st.into(displayName);
    st.into(userName);
    st.use(group.tenantId);
    st.use(group.id);
    for (bool more = st.execute(); more; more = st.fetchNext()) {
        member.display = displayName.empty() ? userName : displayName;
        group.members.push_back(member);
    }
}

void loadGroupMembers(soci::session& sql, Group& group) {
    SqlStatement st(sql,
                    "SELECT g.id, g.display_name FROM group_members m "
                    "JOIN groups g ON g.id = m.member_group_id "
                    "WHERE m.tenant_id = :tenant_id AND m.group_id = :group_id ORDER BY g.id",
                    Reuse::prepared);
    GroupMember member;
    member.kind = GroupMember::Kind::group;
    st.into(member.id);
    st.into(member.display);
    st.use(group.tenantId);
    st.use(group.id);
    for (bool more = st.execute(); more; more = st.fetchNext()) group.members.push_back(member);
}

void loadOwners(soci::session& sql, Group& group) {
    for (Id owner : selectIds(sql,
                              "SELECT user_id FROM group_owners WHERE tenant_id = :tenant_id "
                              "AND group_id = :group_id ORDER BY user_id",
                              group.tenantId, group.id)) {
        group.ownerIds.push_back(owner);
    }
}

// withMembers=false must not touch group_members: listing groups of 100,000
// members costs the same as groups of ten.
Group completeGroup(soci::session& sql, Group group, bool withMembers) {
    if (withMembers) {
        loadUserMembers(sql, group);
        loadGroupMembers(sql, group);
    }
    loadOwners(sql, group);
    return group;
}

// --- checks before writing ---

void checkDisplayNameUnique(soci::session& sql, const Group& group) {
    Id holder = 0;
    Id tenantId = group.tenantId, self = group.id;
    std::string norm = normalized(group.displayName);
    sql << "SELECT id FROM groups WHERE tenant_id = :tenant_id AND display_name_norm = :name "
           "AND id <> :self",
        soci::use(tenantId), soci::use(norm), soci::use(self), soci::into(holder);
    if (sql.got_data()) {
        throw Error(ErrorCode::conflict,
                    "displayName \"" + group.displayName + "\" is already used by group " +
                        std::to_string(holder),
                    "displayName");
    }
}

void checkMembersInTenant(soci::session& sql, const Group& group) {
    for (const GroupMember& member : group.members) {
        bool isUser = member.kind == GroupMember::Kind::user;
        if (!existsInTenant(sql, isUser ? "users" : "groups", group.tenantId, member.id)) {
            throw Error(ErrorCode::invalid_input,
                        std::string(isUser ? "user " : "group ") + std::to_string(member.id) +
                            " does not exist",
                        "members");
        }
    }
    for (Id owner : group.ownerIds) {
        if (!existsInTenant(sql, "users", group.tenantId, owner)) {
            throw Error(ErrorCode::invalid_input,
                        "owner user " + std::to_string(owner) + " does not exist", "owners");
        }
    }
}

// --- writes ---

[[noreturn]] void rethrowGroupConflict(const soci::soci_error& error, const Group& group) {
    if (violatedUniqueIndex(error) == "ux_groups_external_id") {
        throw Error(ErrorCode::conflict,
                    "externalId \"" + group.externalId + "\" is already used by another group",
                    "externalId");
    }
    if (violatedUniqueIndex(error) == "ux_groups_display_name") {
        throw Error(ErrorCode::conflict,
                    "displayName \"" + group.displayName + "\" is already used by another group",
                    "displayName");
    }
    throw;
}

Id insertGroupRow(soci::session& sql, GroupRow& row, const Group& group) {
    Id id = allocateResourceId(sql, row.tenantId, "group");
    try {
        sql << "INSERT INTO groups (id, tenant_id, display_name, display_name_norm, external_id, "
               "productive_hours_goal, version, created_at, updated_at) VALUES (:id, :tenant_id, "
               ":display_name, :display_name_norm, :external_id, :goal, :version, :created_at, "
               ":updated_at)",
            soci::use(id), soci::use(row.tenantId), soci::use(row.displayName),
            soci::use(row.displayNameNorm), soci::use(row.externalId),
            soci::use(row.goal, row.goalInd), soci::use(row.version), soci::use(row.createdAt),
            soci::use(row.updatedAt);
    } catch (const soci::soci_error& error) {
        rethrowGroupConflict(error, group);
    }
    return id;
}

void updateGroupRow(soci::session& sql, GroupRow& row, const Group& group) {
    try {
        sql << "UPDATE groups SET display_name = :display_name, "
               "display_name_norm = :display_name_norm, external_id = :external_id, "
               "productive_hours_goal = :goal, version = :version, updated_at = :updated_at "
               "WHERE tenant_id = :tenant_id AND id = :id",
            soci::use(row.displayName), soci::use(row.displayNameNorm), soci::use(row.externalId),
            soci::use(row.goal, row.goalInd), soci::use(row.version), soci::use(row.updatedAt),
            soci::use(row.tenantId), soci::use(row.id);
    } catch (const soci::soci_error& error) {
        rethrowGroupConflict(error, group);
    }
}

// Adding a member that is already there changes nothing (ON CONFLICT DO
// NOTHING on the unique member indexes).
void insertMember(soci::session& sql, Id tenantId, Id groupId, const GroupMember& member) {
    Id userId = member.id, memberGroupId = member.id;
    soci::indicator userInd = member.kind == GroupMember::Kind::user ? soci::i_ok : soci::i_null;
    soci::indicator groupInd = userInd == soci::i_ok ? soci::i_null : soci::i_ok;
    // Prepared once per connection: a directory sync adds members by the hundred thousand.
    SqlStatement st(sql,
                    "INSERT INTO group_members (tenant_id, group_id, member_user_id, "
                    "member_group_id) VALUES (:tenant_id, :group_id, :member_user_id, "
                    ":member_group_id) ON CONFLICT DO NOTHING",
                    Reuse::prepared);
    st.use(tenantId);
    st.use(groupId);
    st.use(userId, userInd);
    st.use(memberGroupId, groupInd);
    st.execute();
}

void deleteMember(soci::session& sql, Id tenantId, Id groupId, const GroupMember& member) {
    Id memberId = member.id;
    const std::string column =
        member.kind == GroupMember::Kind::user ? "member_user_id" : "member_group_id";
    sql << "DELETE FROM group_members WHERE tenant_id = :tenant_id AND group_id = :group_id "
           "AND " +
               column + " = :member_id",
        soci::use(tenantId), soci::use(groupId), soci::use(memberId);
}

void replaceMembers(soci::session& sql, const Group& group) {
    Id tenantId = group.tenantId, groupId = group.id;
    sql << "DELETE FROM group_members WHERE tenant_id = :tenant_id AND group_id = :group_id",
        soci::use(tenantId), soci::use(groupId);
    std::vector<std::pair<GroupMember::Kind, Id>> written;
    for (const GroupMember& member : group.members) {
        // A member listed twice is a member once.
        auto key = std::make_pair(member.kind, member.id);
        if (std::find(written.begin(), written.end(), key) != written.end()) continue;
        written.push_back(key);
        insertMember(sql, tenantId, groupId, member);
    }
}

void replaceOwners(soci::session& sql, const Group& group) {
    Id tenantId = group.tenantId, groupId = group.id;
    sql << "DELETE FROM group_owners WHERE tenant_id = :tenant_id AND group_id = :group_id",
        soci::use(tenantId), soci::use(groupId);
    std::vector<Id> written;
    for (Id owner : group.ownerIds) {
        if (std::find(written.begin(), written.end(), owner) != written.end()) continue;
        written.push_back(owner);
        sql << "INSERT INTO group_owners (tenant_id, group_id, user_id) "
               "VALUES (:tenant_id, :group_id, :user_id)",
            soci::use(tenantId), soci::use(groupId), soci::use(owner);
    }
}

std::int64_t storedVersionOf(soci::session& sql, Id tenantId, Id id) {
    std::int64_t version = 0;
    sql << "SELECT version FROM groups WHERE tenant_id = :tenant_id AND id = :id",
        soci::use(tenantId), soci::use(id), soci::into(version);
    if (!sql.got_data()) {
        throw Error(ErrorCode::not_found, "group " + std::to_string(id) + " not found", "id");
    }
    return version;
}

}  // namespace

Group SqlGroupRepository::create(const Group& group) {
    return translateErrors([&] {
        Group created = group;
        created.id = 0;
        checkDisplayNameUnique(sql_, created);
        checkMembersInTenant(sql_, created);
        GroupRow row = rowOf(created);
        row.version = 1;
        row.createdAt = row.updatedAt = nowMillis();
        created.id = insertGroupRow(sql_, row, created);
        replaceMembers(sql_, created);
        replaceOwners(sql_, created);
        return *findById(created.tenantId, created.id, true);
    });
}

std::optional<Group> SqlGroupRepository::findById(Id tenantId, Id id, bool withMembers) {
    return translateErrors([&]() -> std::optional<Group> {
        std::vector<Group> groups =
            selectGroups(sql_, "WHERE tenant_id = :tenant_id AND id = :id", tenantId, id);
        if (groups.empty()) return std::nullopt;
        return completeGroup(sql_, std::move(groups.front()), withMembers);
    });
}

Group SqlGroupRepository::update(const Group& group) {
    return translateErrors([&] {
        std::int64_t version = storedVersionOf(sql_, group.tenantId, group.id);
        checkDisplayNameUnique(sql_, group);
        checkMembersInTenant(sql_, group);
        GroupRow row = rowOf(group);
        row.version = version + 1;
        row.updatedAt = nowMillis();
        updateGroupRow(sql_, row, group);
        replaceMembers(sql_, group);
        replaceOwners(sql_, group);
        return *findById(group.tenantId, group.id, true);
    });
}

void SqlGroupRepository::remove(Id tenantId, Id id) {
    translateErrors([&] {
        // Memberships in both directions and ownerships cascade.
        SqlStatement st(sql_, "DELETE FROM groups WHERE tenant_id = :tenant_id AND id = :id",
                        Reuse::prepared);
        st.use(tenantId);
        st.use(id);
        st.execute();
        if (st.affectedRows() == 0) {
            throw Error(ErrorCode::not_found, "group " + std::to_string(id) + " not found", "id");
        }
    });
}

Page<Group> SqlGroupRepository::list(Id tenantId, const PageRequest& page, bool withMembers) {
    return translateErrors([&] {
        Page<Group> result;
        sql_ << "SELECT COUNT(*) FROM groups WHERE tenant_id = :tenant_id", soci::use(tenantId),
            soci::into(result.totalResults);
        std::int64_t limit = std::max<std::int64_t>(page.limit, 0);
        std::int64_t offset = std::max<std::int64_t>(page.offset, 0);
        std::vector<Group> groups = selectGroups(
            sql_, "WHERE tenant_id = :tenant_id ORDER BY id LIMIT :limit OFFSET :offset", tenantId,
            limit, offset);
        for (Group& group : groups) {
            result.items.push_back(completeGroup(sql_, std::move(group), withMembers));
        }
        return result;
    });
}

Page<Group> SqlGroupRepository::query(Id tenantId, const query::ListQuery& query) {
    return translateErrors([&] {
        IdPage ids = queryIds(sql_, QueryTable::groups, tenantId, query);
        Page<Group> page;
        page.totalResults = ids.totalResults;
        page.nextCursor = ids.nextCursor;
        for (Id id : ids.ids) {
            if (auto group = findById(tenantId, id, query.withMembers))
                page.items.push_back(*group);
        }
        return page;
    });
}

void SqlGroupRepository::addMembers(Id tenantId, Id groupId,
                                    const std::vector<GroupMember>& members) {
    translateErrors([&] {
        for (const GroupMember& member : members) insertMember(sql_, tenantId, groupId, member);
    });
}

void SqlGroupRepository::removeMembers(Id tenantId, Id groupId,
                                       const std::vector<GroupMember>& members) {
    translateErrors([&] {
        for (const GroupMember& member : members) deleteMember(sql_, tenantId, groupId, member);
    });
}

void SqlGroupRepository::removeAllMembers(Id tenantId, Id groupId) {
    translateErrors([&] {
        sql_ << "DELETE FROM group_members WHERE tenant_id = :tenant_id AND group_id = :group_id",
            soci::use(tenantId), soci::use(groupId);
    });
}

std::vector<Id> SqlGroupRepository::memberGroupIds(Id tenantId, Id groupId) {
    return translateErrors([&] {
        return selectIds(sql_,
                         "SELECT member_group_id FROM group_members WHERE tenant_id = :tenant_id "
                         "AND group_id = :group_id AND member_group_id IS NOT NULL",
                         tenantId, groupId);
    });
}

std::optional<GroupMember::Kind> SqlGroupRepository::kindOfResource(Id tenantId, Id id) {
    return translateErrors([&]() -> std::optional<GroupMember::Kind> {
        if (existsInTenant(sql_, "users", tenantId, id)) return GroupMember::Kind::user;
        if (existsInTenant(sql_, "groups", tenantId, id)) return GroupMember::Kind::group;
        return std::nullopt;
    });
}

Group SqlGroupRepository::touch(const Group& group) {
    return translateErrors([&] {
        std::int64_t version = storedVersionOf(sql_, group.tenantId, group.id);
        checkDisplayNameUnique(sql_, group);
        Group ownersOnly = group;
        ownersOnly.members.clear();  // members are not touched here
        checkMembersInTenant(sql_, ownersOnly);
        GroupRow row = rowOf(group);
        row.version = version + 1;
        row.updatedAt = nowMillis();
        updateGroupRow(sql_, row, group);
        replaceOwners(sql_, group);
        return *findById(group.tenantId, group.id, false);
    });
}

}  // namespace muster::store
