#include <algorithm>
#include <set>
#include <tuple>

#include "query_sql.hpp"
#include "repositories.hpp"
#include "sql_errors.hpp"
#include "sql_statement.hpp"
#include "sql_text.hpp"
#include "sqlite_statement.hpp"
#include "user_rows.hpp"

namespace muster::store {

namespace {

std::string joinedColumns(const std::string& prefix) {
    std::string out;
    for (const std::string& column : userFieldColumns()) {
        if (!out.empty()) out += ", ";
        out += prefix + column;
    }
    return out;
}

std::string selectUsersSql(const std::string& where) {
    return "SELECT id, tenant_id, " + joinedColumns("") +
           ", version, created_at, updated_at FROM users " + where;
}

const std::string& insertUserSql() {
    static const std::string sql = "INSERT INTO users (id, tenant_id, " + joinedColumns("") +
                                   ", version, created_at, updated_at) VALUES (:id, :tenant_id, " +
                                   joinedColumns(":") + ", :version, :created_at, :updated_at)";
    return sql;
}

const std::string& updateUserSql() {
    static const std::string sql = [] {
        std::string sets;
        for (const std::string& column : userFieldColumns()) {
            sets += column + " = :" + column + ", ";
        }
        return "UPDATE users SET " + sets +
               "version = :version, updated_at = :updated_at "
               "WHERE tenant_id = :tenant_id AND id = :id";
    }();
    return sql;
}

// Scalar fields only; see completeUser.
template <typename... Param>
std::vector<User> selectUsers(soci::session& sql, const std::string& where, Param&... param) {
    SqlStatement st(sql, selectUsersSql(where), Reuse::prepared);
    UserRow row;
    st.into(row.id);
    st.into(row.tenantId);
    forEachUserField(row, [&st](const char*, auto&... target) { st.into(target...); });
    st.into(row.version);
    st.into(row.createdAt);
    st.into(row.updatedAt);
    (st.use(param), ...);
    std::vector<User> users;
    for (bool more = st.execute(); more; more = st.fetchNext()) users.push_back(userOf(row));
    return users;
}

// --- the hot read: one user by id (SCIM GET, filters, every write's answer) ---

std::string selectUserByIdSql() {
    return selectUsersSql("WHERE tenant_id = :tenant_id AND id = :id");
}

// Identifiers, roles and groups of one user in one statement (instead of
// three): each row says which of the three it is in its first column.
// Columns: part, any_domain | rank, is_primary, position, id | group id,
// kind, value | role name, logon_domain | role name_norm, type. No ORDER BY:
// SQLite would set up a sorter for the union, whose large allocation on
// every read cost more than the read itself; UserDetails sorts instead.
const std::string& selectUserDetailsSql() {
    static const std::string sql =
        "SELECT 0, any_domain, is_primary, position, id, kind, value, logon_domain, type "
        "FROM identifiers WHERE tenant_id = :t1 AND user_id = :u1 "
        "UNION ALL SELECT 1, r.rank, 0, 0, r.id, '', r.name, r.name_norm, '' "
        "FROM user_roles ur JOIN roles r ON r.id = ur.role_id "
        "WHERE ur.tenant_id = :t2 AND ur.user_id = :u2 "
        "UNION ALL SELECT 2, 0, 0, 0, group_id, '', '', '', '' FROM group_members "
        "WHERE tenant_id = :t3 AND member_user_id = :u3";
    return sql;
}

// One row of selectUserDetailsSql.
struct UserDetailRow {
    int part = 0, anyDomainOrRank = 0, primary = 0, position = 0;
    Id id = 0;
    std::string kind, value, logonDomainOrNorm, type;
};

// Collects detail rows, then puts them on the user in the order the three
// separate reads had: identifiers by position, roles by rank (highest first)
// then name, groups by id.
class UserDetails {
  public:
    void add(const UserDetailRow& row) {
        if (row.part == identifierPart) {
            identifiers_.emplace_back(row.position, identifierOf(row));
        } else if (row.part == rolePart) {
            roles_.push_back(Role{row.anyDomainOrRank, row.logonDomainOrNorm, row.value});
        } else {
            groupIds_.push_back(row.id);
        }
    }

    void moveInto(User& user) {
        std::stable_sort(identifiers_.begin(), identifiers_.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        for (auto& [position, identifier] : identifiers_) {
            user.identifiers.push_back(std::move(identifier));
        }
        std::sort(roles_.begin(), roles_.end(), [](const Role& a, const Role& b) {
            return std::tie(b.rank, a.nameNorm) < std::tie(a.rank, b.nameNorm);
        });
        for (Role& role : roles_) user.roles.push_back(std::move(role.name));
        std::sort(groupIds_.begin(), groupIds_.end());
        user.groupIds = std::move(groupIds_);
    }

  private:
    static constexpr int identifierPart = 0, rolePart = 1;
    struct Role {
        int rank;
        std::string nameNorm, name;
    };

    static Identifier identifierOf(const UserDetailRow& row) {
        Identifier identifier;
        identifier.id = row.id;
        identifier.kind = parseIdentifierKind(row.kind).value_or(IdentifierKind::email);
        identifier.value = row.value;
        identifier.logonDomain = row.logonDomainOrNorm;
        identifier.anyDomain = row.anyDomainOrRank != 0;
        identifier.type = row.type;
        identifier.primary = row.primary != 0;
        return identifier;
    }

    std::vector<std::pair<int, Identifier>> identifiers_;
    std::vector<Role> roles_;
    std::vector<Id> groupIds_;
};

// Through SOCI (PostgreSQL): the users row and the details, each statement
// bound once per connection.
class SociUserReader {
  public:
    explicit SociUserReader(soci::session& sql) : rowStatement_(sql), detailsStatement_(sql) {
        bindRow();
        bindDetails();
    }

    std::optional<User> read(Id tenantId, Id id) {
        tenantId_ = tenantId;
        id_ = id;
        if (!rowStatement_.execute(true)) return std::nullopt;
        User user = userOf(row_);
        complete(user);
        return user;
    }

    void complete(User& user) {
        tenantId_ = user.tenantId;
        id_ = user.id;
        UserDetails details;
        for (bool more = detailsStatement_.execute(true); more; more = detailsStatement_.fetch()) {
            details.add(detail_);
        }
        details.moveInto(user);
    }

  private:
    void bindRow() {
        rowStatement_.exchange(soci::into(row_.id));
        rowStatement_.exchange(soci::into(row_.tenantId));
        forEachUserField(row_, [this](const char*, auto&... target) {
            rowStatement_.exchange(soci::into(target...));
        });
        rowStatement_.exchange(soci::into(row_.version));
        rowStatement_.exchange(soci::into(row_.createdAt));
        rowStatement_.exchange(soci::into(row_.updatedAt));
        rowStatement_.exchange(soci::use(tenantId_));
        rowStatement_.exchange(soci::use(id_));
        prepareBoundOnce(rowStatement_, selectUserByIdSql());
    }

    void bindDetails() {
        UserDetailRow& d = detail_;
        for (int* target : {&d.part, &d.anyDomainOrRank, &d.primary, &d.position}) {
            detailsStatement_.exchange(soci::into(*target));
        }
        detailsStatement_.exchange(soci::into(d.id));
        for (std::string* target : {&d.kind, &d.value, &d.logonDomainOrNorm, &d.type}) {
            detailsStatement_.exchange(soci::into(*target));
        }
        for (int i = 0; i < 3; ++i) {
            detailsStatement_.exchange(soci::use(tenantId_));
            detailsStatement_.exchange(soci::use(id_));
        }
        prepareBoundOnce(detailsStatement_, selectUserDetailsSql());
    }

    soci::statement rowStatement_, detailsStatement_;
    UserRow row_;
    UserDetailRow detail_;
    Id tenantId_ = 0, id_ = 0;
};

// Through SQLite's C API: the same two statements, columns read straight
// into the row (see sqlite_statement.hpp).
class SqliteUserReader {
  public:
    explicit SqliteUserReader(soci::session& sql)
        : rowStatement_(nativeSqlite(sql), selectUserByIdSql()),
          detailsStatement_(nativeSqlite(sql), selectUserDetailsSql()) {}

    std::optional<User> read(Id tenantId, Id id) {
        {
            ResetWhenDone done(rowStatement_);
            rowStatement_.bind(1, tenantId);
            rowStatement_.bind(2, id);
            if (!rowStatement_.step()) return std::nullopt;
            readRow();
        }
        User user = userOf(row_);
        complete(user);
        return user;
    }

    void complete(User& user) {
        for (int parameter = 1; parameter <= 6; parameter += 2) {
            detailsStatement_.bind(parameter, user.tenantId);
            detailsStatement_.bind(parameter + 1, user.id);
        }
        UserDetails details;
        {
            ResetWhenDone done(detailsStatement_);
            while (detailsStatement_.step()) details.add(readDetail());
        }
        details.moveInto(user);
    }

  private:
    void readRow() {
        int column = 0;
        const SqliteStatement& st = rowStatement_;
        st.column(column++, row_.id);
        st.column(column++, row_.tenantId);
        forEachUserField(row_,
                         [&](const char*, auto&... target) { st.column(column++, target...); });
        st.column(column++, row_.version);
        st.column(column++, row_.createdAt);
        st.column(column++, row_.updatedAt);
    }

    const UserDetailRow& readDetail() {
        const SqliteStatement& st = detailsStatement_;
        UserDetailRow& d = detail_;
        st.column(0, d.part);
        st.column(1, d.anyDomainOrRank);
        st.column(2, d.primary);
        st.column(3, d.position);
        st.column(4, d.id);
        st.column(5, d.kind);
        st.column(6, d.value);
        st.column(7, d.logonDomainOrNorm);
        st.column(8, d.type);
        return d;
    }

    SqliteStatement rowStatement_, detailsStatement_;
    UserRow row_;
    UserDetailRow detail_;
};

// Uses the connection's bound reader; a session outside the pool (some
// tests) gets a throwaway one.
template <typename Reader, typename Action>
auto withReader(soci::session& sql, Action&& action) {
    if (StatementCache* cache = statementCacheOf(sql)) return action(cache->reader<Reader>(sql));
    Reader reader(sql);
    return action(reader);
}

// The user reader of the session's backend.
template <typename Action>
auto withUserReader(soci::session& sql, Action&& action) {
    if (nativeSqlite(sql) != nullptr) return withReader<SqliteUserReader>(sql, action);
    return withReader<SociUserReader>(sql, action);
}

std::optional<User> readUser(soci::session& sql, Id tenantId, Id id) {
    return withUserReader(sql, [&](auto& reader) { return reader.read(tenantId, id); });
}

// Adds identifiers, roles and groups to a user read without them.
User completeUser(soci::session& sql, User user) {
    withUserReader(sql, [&](auto& reader) {
        reader.complete(user);
        return true;
    });
    return user;
}

std::optional<User> firstCompleted(soci::session& sql, std::vector<User> users) {
    if (users.empty()) return std::nullopt;
    return completeUser(sql, std::move(users.front()));
}

// --- uniqueness, checked before writing so the error can name the holder ---

[[noreturn]] void throwTaken(const std::string& what, const std::string& attribute,
                             std::optional<Id> holder) {
    std::string by = holder ? "user " + std::to_string(*holder) : std::string("another user");
    throw Error(ErrorCode::conflict, what + " is already used by " + by, attribute);
}

// The other user of this tenant whose `column` equals `norm`, if any.
std::optional<Id> userHolding(soci::session& sql, const char* column, const User& user,
                              const std::string& norm) {
    Id holder = 0;
    Id tenantId = user.tenantId, self = user.id;
    std::string value = norm;
    SqlStatement st(sql,
                    "SELECT id FROM users WHERE tenant_id = :tenant_id AND " + std::string(column) +
                        " = :value AND id <> :self",
                    Reuse::prepared);
    st.into(holder);
    st.use(tenantId);
    st.use(value);
    st.use(self);
    if (!st.execute()) return std::nullopt;
    return holder;
}

std::optional<Id> identifierHolder(soci::session& sql, const User& user, const Identifier& id) {
    Id holder = 0;
    Id tenantId = user.tenantId, self = user.id;
    std::string kind(toString(id.kind));
    std::string valueNorm = normalized(id.value), domainNorm = normalized(id.logonDomain);
    SqlStatement st(sql,
                    "SELECT user_id FROM identifiers WHERE tenant_id = :tenant_id AND kind = :kind "
                    "AND value_norm = :value_norm AND logon_domain_norm = :domain_norm "
                    "AND user_id <> :self",
                    Reuse::prepared);
    st.into(holder);
    st.use(tenantId);
    st.use(kind);
    st.use(valueNorm);
    st.use(domainNorm);
    st.use(self);
    if (!st.execute()) return std::nullopt;
    return holder;
}

void checkIdentifiersUnique(soci::session& sql, const User& user) {
    std::set<std::tuple<IdentifierKind, std::string, std::string>> seen;
    for (const Identifier& id : user.identifiers) {
        auto key = std::make_tuple(id.kind, normalized(id.value), normalized(id.logonDomain));
        if (!seen.insert(key).second) {
            throw Error(ErrorCode::conflict,
                        describeIdentifier(id) + " is listed twice for the same user",
                        identifierAttribute(id.kind));
        }
        if (auto holder = identifierHolder(sql, user, id)) {
            throwTaken(describeIdentifier(id), identifierAttribute(id.kind), holder);
        }
    }
}

void checkUnique(soci::session& sql, const User& user) {
    if (auto holder = userHolding(sql, "user_name_norm", user, normalized(user.userName))) {
        throwTaken("userName \"" + user.userName + "\"", "userName", holder);
    }
    if (!user.displayName.empty()) {
        if (auto holder =
                userHolding(sql, "display_name_norm", user, normalized(user.displayName))) {
            throwTaken("displayName \"" + user.displayName + "\"", "displayName", holder);
        }
    }
    if (!user.externalId.empty()) {  // caseExact (RFC 7643 §3.1)
        if (auto holder = userHolding(sql, "external_id", user, user.externalId)) {
            throwTaken("externalId \"" + user.externalId + "\"", "externalId", holder);
        }
    }
    checkIdentifiersUnique(sql, user);
}

// The same mapping for a violation the pre-check could not see (a concurrent
// writer on PostgreSQL); rethrows anything else.
[[noreturn]] void rethrowUserConflict(const soci::soci_error& error, const User& user) {
    std::string index = violatedUniqueIndex(error);
    if (index == "ux_users_user_name") {
        throwTaken("userName \"" + user.userName + "\"", "userName", std::nullopt);
    }
    if (index == "ux_users_display_name") {
        throwTaken("displayName \"" + user.displayName + "\"", "displayName", std::nullopt);
    }
    if (index == "ux_users_external_id") {
        throwTaken("externalId \"" + user.externalId + "\"", "externalId", std::nullopt);
    }
    throw;
}

// --- references that must stay inside the tenant ---

void checkManager(soci::session& sql, const User& user) {
    if (!user.managerId) return;
    if (!existsInTenant(sql, "users", user.tenantId, *user.managerId)) {
        throw Error(ErrorCode::invalid_input,
                    "manager " + std::to_string(*user.managerId) + " does not exist", "manager");
    }
}

std::vector<Id> resolveRoleIds(soci::session& sql, const User& user) {
    std::vector<Id> ids;
    for (const std::string& name : user.roles) {
        Id roleId = 0;
        Id tenantId = user.tenantId;
        std::string norm = normalized(name);
        SqlStatement st(sql,
                        "SELECT id FROM roles WHERE tenant_id = :tenant_id AND name_norm = :name",
                        Reuse::prepared);
        st.into(roleId);
        st.use(tenantId);
        st.use(norm);
        if (!st.execute()) {
            throw Error(ErrorCode::invalid_input, "unknown role '" + name + "'", "roles");
        }
        // A role listed twice is held once.
        if (std::find(ids.begin(), ids.end(), roleId) == ids.end()) ids.push_back(roleId);
    }
    return ids;
}

void checkReferences(soci::session& sql, const User& user) {
    checkManager(sql, user);
    checkUnique(sql, user);
}

// --- writes ---

Id insertUserRow(soci::session& sql, UserRow& row, const User& user) {
    row.id = allocateResourceId(sql, row.tenantId, "user");
    SqlStatement st(sql, insertUserSql(), Reuse::prepared);
    st.use(row.id);
    st.use(row.tenantId);
    forEachUserField(row, [&st](const char*, auto&... source) { st.use(source...); });
    st.use(row.version);
    st.use(row.createdAt);
    st.use(row.updatedAt);
    try {
        st.execute();
    } catch (const soci::soci_error& error) {
        rethrowUserConflict(error, user);
    }
    return row.id;
}

void updateUserRow(soci::session& sql, UserRow& row, const User& user) {
    SqlStatement st(sql, updateUserSql(), Reuse::prepared);
    forEachUserField(row, [&st](const char*, auto&... source) { st.use(source...); });
    st.use(row.version);
    st.use(row.updatedAt);
    st.use(row.tenantId);
    st.use(row.id);
    try {
        st.execute();
    } catch (const soci::soci_error& error) {
        rethrowUserConflict(error, user);
    }
}

void insertIdentifier(soci::session& sql, const User& user, const Identifier& id, int position) {
    Id tenantId = user.tenantId, userId = user.id;
    std::string kind(toString(id.kind));
    std::string valueNorm = normalized(id.value), domainNorm = normalized(id.logonDomain);
    int anyDomain = id.anyDomain ? 1 : 0, primary = id.primary ? 1 : 0;
    std::string value = id.value, logonDomain = id.logonDomain, type = id.type;
    SqlStatement st(sql,
                    "INSERT INTO identifiers (tenant_id, user_id, kind, value, value_norm, "
                    "logon_domain, logon_domain_norm, any_domain, type, is_primary, position) "
                    "VALUES (:tenant_id, :user_id, :kind, :value, :value_norm, :logon_domain, "
                    ":logon_domain_norm, :any_domain, :type, :is_primary, :position)",
                    Reuse::prepared);
    st.use(tenantId);
    st.use(userId);
    st.use(kind);
    st.use(value);
    st.use(valueNorm);
    st.use(logonDomain);
    st.use(domainNorm);
    st.use(anyDomain);
    st.use(type);
    st.use(primary);
    st.use(position);
    try {
        st.execute();
    } catch (const soci::soci_error& error) {
        if (violatedUniqueIndex(error) != "ux_identifiers_value") throw;
        throwTaken(describeIdentifier(id), identifierAttribute(id.kind), std::nullopt);
    }
}

// Deletes the user's rows of a child table (identifiers, user_roles).
void deleteRowsOfUser(soci::session& sql, const char* table, const User& user) {
    Id tenantId = user.tenantId, userId = user.id;
    SqlStatement st(sql,
                    "DELETE FROM " + std::string(table) +
                        " WHERE tenant_id = :tenant_id AND user_id = :user_id",
                    Reuse::prepared);
    st.use(tenantId);
    st.use(userId);
    st.execute();
}

void insertIdentifiers(soci::session& sql, const User& user) {
    int position = 0;
    for (const Identifier& id : user.identifiers) insertIdentifier(sql, user, id, position++);
}

void replaceIdentifiers(soci::session& sql, const User& user) {
    deleteRowsOfUser(sql, "identifiers", user);
    insertIdentifiers(sql, user);
}

void insertRoles(soci::session& sql, const User& user, const std::vector<Id>& roleIds) {
    Id tenantId = user.tenantId, userId = user.id;
    for (Id roleId : roleIds) {
        SqlStatement st(sql,
                        "INSERT INTO user_roles (tenant_id, user_id, role_id) "
                        "VALUES (:tenant_id, :user_id, :role_id)",
                        Reuse::prepared);
        st.use(tenantId);
        st.use(userId);
        st.use(roleId);
        st.execute();
    }
}

void replaceRoles(soci::session& sql, const User& user, const std::vector<Id>& roleIds) {
    deleteRowsOfUser(sql, "user_roles", user);
    insertRoles(sql, user, roleIds);
}

struct StoredVersion {
    std::int64_t version = 0;
    Timestamp createdAt = 0;
};

StoredVersion storedVersionOf(soci::session& sql, Id tenantId, Id id) {
    StoredVersion stored;
    SqlStatement st(
        sql, "SELECT version, created_at FROM users WHERE tenant_id = :tenant_id AND id = :id",
        Reuse::prepared);
    st.into(stored.version);
    st.into(stored.createdAt);
    st.use(tenantId);
    st.use(id);
    if (!st.execute()) {
        throw Error(ErrorCode::not_found, "user " + std::to_string(id) + " not found", "id");
    }
    return stored;
}

}  // namespace

User SqlUserRepository::create(const User& user) {
    return translateErrors([&] {
        User created = user;
        created.id = 0;
        checkReferences(sql_, created);
        std::vector<Id> roleIds = resolveRoleIds(sql_, created);
        UserRow row = rowOf(created);
        row.version = 1;
        row.createdAt = row.updatedAt = nowMillis();
        created.id = insertUserRow(sql_, row, created);
        // The row was just inserted: foreign keys rule out child rows to delete first.
        insertIdentifiers(sql_, created);
        insertRoles(sql_, created, roleIds);
        return *findById(created.tenantId, created.id);
    });
}

std::optional<User> SqlUserRepository::findById(Id tenantId, Id id) {
    return translateErrors([&] { return readUser(sql_, tenantId, id); });
}

std::optional<User> SqlUserRepository::findByUserName(Id tenantId, const std::string& userName) {
    return translateErrors([&] {
        std::string norm = normalized(userName);
        return firstCompleted(
            sql_, selectUsers(sql_, "WHERE tenant_id = :tenant_id AND user_name_norm = :name",
                              tenantId, norm));
    });
}

User SqlUserRepository::update(const User& user) {
    return translateErrors([&] {
        StoredVersion stored = storedVersionOf(sql_, user.tenantId, user.id);
        checkReferences(sql_, user);
        std::vector<Id> roleIds = resolveRoleIds(sql_, user);
        UserRow row = rowOf(user);
        row.version = stored.version + 1;
        row.updatedAt = nowMillis();
        updateUserRow(sql_, row, user);
        replaceIdentifiers(sql_, user);
        replaceRoles(sql_, user, roleIds);
        return *findById(user.tenantId, user.id);
    });
}

void SqlUserRepository::remove(Id tenantId, Id id) {
    translateErrors([&] {
        // Identifiers, roles, memberships and ownerships go with the user
        // (ON DELETE CASCADE); reports keep the manager's reports (SET NULL).
        SqlStatement st(sql_, "DELETE FROM users WHERE tenant_id = :tenant_id AND id = :id",
                        Reuse::prepared);
        st.use(tenantId);
        st.use(id);
        st.execute();
        if (st.affectedRows() == 0) {
            throw Error(ErrorCode::not_found, "user " + std::to_string(id) + " not found", "id");
        }
    });
}

void SqlUserRepository::rememberDeletedManager(Id tenantId, Id managerId) {
    translateErrors([&] {
        // Not a version bump: the reports themselves did not change, and the
        // manager_id foreign key clears their manager when the row goes.
        SqlStatement st(sql_,
                        "UPDATE users SET former_manager_id = :manager_id "
                        "WHERE tenant_id = :tenant_id AND manager_id = :manager_id2",
                        Reuse::prepared);
        st.use(managerId);
        st.use(tenantId);
        st.use(managerId);
        st.execute();
    });
}

Page<User> SqlUserRepository::list(Id tenantId, const PageRequest& page) {
    return translateErrors([&] {
        Page<User> result;
        sql_ << "SELECT COUNT(*) FROM users WHERE tenant_id = :tenant_id", soci::use(tenantId),
            soci::into(result.totalResults);
        std::int64_t limit = std::max<std::int64_t>(page.limit, 0);
        std::int64_t offset = std::max<std::int64_t>(page.offset, 0);
        std::vector<User> users = selectUsers(
            sql_, "WHERE tenant_id = :tenant_id ORDER BY id LIMIT :limit OFFSET :offset", tenantId,
            limit, offset);
        for (User& user : users) result.items.push_back(completeUser(sql_, std::move(user)));
        return result;
    });
}

Page<User> SqlUserRepository::query(Id tenantId, const query::ListQuery& query) {
    return translateErrors([&] {
        IdPage ids = queryIds(sql_, QueryTable::users, tenantId, query);
        Page<User> page;
        page.totalResults = ids.totalResults;
        page.nextCursor = ids.nextCursor;
        for (Id id : ids.ids) {
            // A user deleted between the two reads is simply left out.
            if (std::optional<User> user = findById(tenantId, id)) page.items.push_back(*user);
        }
        return page;
    });
}

std::optional<std::optional<Id>> SqlUserRepository::findManagerId(Id tenantId, Id id) {
    return translateErrors([&]() -> std::optional<std::optional<Id>> {
        SqlStatement st(sql_,
                        "SELECT manager_id FROM users WHERE tenant_id = :tenant_id AND id = :id",
                        Reuse::prepared);
        Id managerId = 0;
        soci::indicator managerInd = soci::i_null;
        st.into(managerId, managerInd);
        st.use(tenantId);
        st.use(id);
        if (!st.execute()) return std::nullopt;
        return managerInd == soci::i_null ? std::optional<Id>() : std::optional<Id>(managerId);
    });
}

Id allocateResourceId(soci::session& sql, Id tenantId, const char* kind) {
    Id id = 0;
    std::string kindText = kind;
    SqlStatement st(sql,
                    "INSERT INTO resource_ids (tenant_id, kind) VALUES (:tenant_id, :kind) "
                    "RETURNING id",
                    Reuse::prepared);
    st.into(id);
    st.use(tenantId);
    st.use(kindText);
    st.execute();
    return id;
}

}  // namespace muster::store
