#include "migrations.hpp"

#include <map>

#include "muster/core/model.hpp"
#include "soci_headers.hpp"
#include "sql_errors.hpp"

namespace muster::store {

namespace {

// Migration 1: tenants, tokens, users with identifiers and roles, groups, audit.
// Case-insensitive uniqueness uses *_norm columns holding the lowercased value
// so both backends compare the same way. Unique indexes are named so that a
// violation can be reported as the attribute it protects (see sql_errors.cpp).
Migration initialSchema() {
    return {
        1,
        "tenants, api tokens, users, identifiers, roles, groups, audit events",
        {
            R"(CREATE TABLE tenants (
            id {{id_pk}},
            name TEXT NOT NULL,
            created_at BIGINT NOT NULL))",
            "CREATE UNIQUE INDEX ux_tenants_name ON tenants (name)",

            R"(CREATE TABLE api_tokens (
            id {{id_pk}},
            tenant_id BIGINT NOT NULL REFERENCES tenants(id),
            name TEXT NOT NULL,
            scopes TEXT NOT NULL,
            secret_hash TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            last_used_at BIGINT,
            revoked_at BIGINT))",
            "CREATE UNIQUE INDEX ux_api_tokens_secret_hash ON api_tokens (secret_hash)",
            "CREATE INDEX ix_api_tokens_tenant ON api_tokens (tenant_id, id)",

            R"(CREATE TABLE users (
            id {{id_pk}},
            tenant_id BIGINT NOT NULL REFERENCES tenants(id),
            user_name TEXT NOT NULL,
            user_name_norm TEXT NOT NULL,
            external_id TEXT NOT NULL DEFAULT '',
            given_name TEXT NOT NULL DEFAULT '',
            family_name TEXT NOT NULL DEFAULT '',
            middle_name TEXT NOT NULL DEFAULT '',
            formatted_name TEXT NOT NULL DEFAULT '',
            honorific_prefix TEXT NOT NULL DEFAULT '',
            honorific_suffix TEXT NOT NULL DEFAULT '',
            display_name TEXT NOT NULL DEFAULT '',
            display_name_norm TEXT,
            nick_name TEXT NOT NULL DEFAULT '',
            title TEXT NOT NULL DEFAULT '',
            user_type TEXT NOT NULL DEFAULT '',
            preferred_language TEXT NOT NULL DEFAULT '',
            locale TEXT NOT NULL DEFAULT '',
            timezone TEXT NOT NULL DEFAULT '',
            employee_number TEXT NOT NULL DEFAULT '',
            cost_center TEXT NOT NULL DEFAULT '',
            organization TEXT NOT NULL DEFAULT '',
            division TEXT NOT NULL DEFAULT '',
            department TEXT NOT NULL DEFAULT '',
            section TEXT NOT NULL DEFAULT '',
            manager_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
            team TEXT NOT NULL DEFAULT '',
            tags TEXT NOT NULL DEFAULT '',
            sites_mode TEXT NOT NULL DEFAULT 'none',
            sites TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL,
            banned INTEGER NOT NULL DEFAULT 0,
            tracked INTEGER NOT NULL DEFAULT 1,
            profile_incomplete INTEGER NOT NULL DEFAULT 0,
            identity_provider TEXT NOT NULL DEFAULT 'internal',
            mfa_status TEXT NOT NULL DEFAULT 'not_enrolled',
            authz_version BIGINT NOT NULL DEFAULT 1,
            version BIGINT NOT NULL DEFAULT 1,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL,
            last_login_at BIGINT))",
            "CREATE UNIQUE INDEX ux_users_user_name ON users (tenant_id, user_name_norm)",
            // NULL display_name_norm (no display name) never collides on either backend.
            "CREATE UNIQUE INDEX ux_users_display_name ON users (tenant_id, display_name_norm)",
            "CREATE INDEX ix_users_external_id ON users (tenant_id, external_id)",
            "CREATE INDEX ix_users_manager ON users (manager_id)",

            R"(CREATE TABLE identifiers (
            id {{id_pk}},
            tenant_id BIGINT NOT NULL REFERENCES tenants(id),
            user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            value TEXT NOT NULL,
            value_norm TEXT NOT NULL,
            logon_domain TEXT NOT NULL DEFAULT '',
            logon_domain_norm TEXT NOT NULL DEFAULT '',
            any_domain INTEGER NOT NULL DEFAULT 0,
            type TEXT NOT NULL DEFAULT '',
            is_primary INTEGER NOT NULL DEFAULT 0,
            position INTEGER NOT NULL))",
            R"(CREATE UNIQUE INDEX ux_identifiers_value
            ON identifiers (tenant_id, kind, value_norm, logon_domain_norm))",
            "CREATE INDEX ix_identifiers_user ON identifiers (user_id)",

            R"(CREATE TABLE roles (
            id {{id_pk}},
            tenant_id BIGINT NOT NULL REFERENCES tenants(id),
            name TEXT NOT NULL,
            name_norm TEXT NOT NULL,
            rank INTEGER NOT NULL))",
            "CREATE UNIQUE INDEX ux_roles_name ON roles (tenant_id, name_norm)",

            R"(CREATE TABLE user_roles (
            tenant_id BIGINT NOT NULL REFERENCES tenants(id),
            user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            role_id BIGINT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
            CONSTRAINT pk_user_roles PRIMARY KEY (user_id, role_id)))",
            "CREATE INDEX ix_user_roles_role ON user_roles (role_id)",

            R"(CREATE TABLE groups (
            id {{id_pk}},
            tenant_id BIGINT NOT NULL REFERENCES tenants(id),
            display_name TEXT NOT NULL,
            display_name_norm TEXT NOT NULL,
            external_id TEXT NOT NULL DEFAULT '',
            productive_hours_goal DOUBLE PRECISION,
            version BIGINT NOT NULL DEFAULT 1,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL))",
            "CREATE UNIQUE INDEX ux_groups_display_name ON groups (tenant_id, display_name_norm)",
            "CREATE INDEX ix_groups_external_id ON groups (tenant_id, external_id)",

            // A member is either a user or a group, never both.
            R"(CREATE TABLE group_members (
            tenant_id BIGINT NOT NULL REFERENCES tenants(id),
            group_id BIGINT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
            member_user_id BIGINT REFERENCES users(id) ON DELETE CASCADE,
            member_group_id BIGINT REFERENCES groups(id) ON DELETE CASCADE,
            CHECK ((member_user_id IS NULL) <> (member_group_id IS NULL))))",
            "CREATE UNIQUE INDEX ux_group_members_user ON group_members (group_id, member_user_id)",
            "CREATE UNIQUE INDEX ux_group_members_group ON group_members (group_id, "
            "member_group_id)",
            "CREATE INDEX ix_group_members_member_user ON group_members (member_user_id)",
            "CREATE INDEX ix_group_members_member_group ON group_members (member_group_id)",

            R"(CREATE TABLE group_owners (
            tenant_id BIGINT NOT NULL REFERENCES tenants(id),
            group_id BIGINT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
            user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            CONSTRAINT pk_group_owners PRIMARY KEY (group_id, user_id)))",
            "CREATE INDEX ix_group_owners_user ON group_owners (user_id)",

            // No foreign key on target_id: events outlive what they describe.
            R"(CREATE TABLE audit_events (
            id {{id_pk}},
            tenant_id BIGINT NOT NULL REFERENCES tenants(id),
            occurred_at BIGINT NOT NULL,
            actor TEXT NOT NULL,
            source TEXT NOT NULL,
            source_address TEXT NOT NULL DEFAULT '',
            user_agent TEXT NOT NULL DEFAULT '',
            action TEXT NOT NULL,
            target_type TEXT NOT NULL,
            target_id BIGINT,
            target_display TEXT NOT NULL DEFAULT '',
            before_json TEXT,
            after_json TEXT))",
            "CREATE INDEX ix_audit_events_tenant ON audit_events (tenant_id, id)",
            R"(CREATE INDEX ix_audit_events_target
            ON audit_events (tenant_id, target_type, target_id, id))",
        }};
}

// Migration 2: users and groups share one id space, so that a group member
// given only by id (as Entra ID sends it) is unambiguously a user or a group.
// resource_ids hands out the ids; existing rows keep theirs.
Migration sharedResourceIds() {
    return {2,
            "one id space for users and groups; unique externalIds",
            {
                R"(CREATE TABLE resource_ids (
            id {{id_pk}},
            tenant_id BIGINT NOT NULL REFERENCES tenants(id),
            kind TEXT NOT NULL))",
                "INSERT INTO resource_ids (id, tenant_id, kind) "
                "SELECT id, tenant_id, 'user' FROM users",
                "INSERT INTO resource_ids (id, tenant_id, kind) SELECT id, tenant_id, 'group' "
                "FROM groups WHERE id NOT IN (SELECT id FROM resource_ids)",
                // SCIM clients find their resources by externalId, so two users
                // (or two groups) of a tenant never share one.
                "CREATE UNIQUE INDEX ux_users_external_id ON users (tenant_id, external_id) "
                "WHERE external_id <> ''",
                "CREATE UNIQUE INDEX ux_groups_external_id ON groups (tenant_id, external_id) "
                "WHERE external_id <> ''",
                // SQLite's AUTOINCREMENT follows explicit ids by itself.
                "{{postgresql}}SELECT setval(pg_get_serial_sequence('resource_ids', 'id'), "
                "(SELECT COALESCE(MAX(id), 0) + 1 FROM resource_ids), false)",
            }};
}

// Arbitrary, fixed key for pg_advisory_xact_lock: serialises migrations of
// several daemons starting against the same database.
constexpr long long kMigrationLockKey = 0x6d75737465720001LL;  // "muster" + 1

void beginExclusive(soci::session& sql, Backend backend) {
    if (backend == Backend::sqlite3) {
        // Takes the write lock now, so two migrating processes queue up here.
        sql << "BEGIN IMMEDIATE";
        return;
    }
    sql << "BEGIN";
    long long key = kMigrationLockKey;
    sql << "SELECT pg_advisory_xact_lock(:key)", soci::use(key);
}

void ensureMigrationsTable(soci::session& sql, Backend backend) {
    beginExclusive(sql, backend);
    sql << "CREATE TABLE IF NOT EXISTS schema_migrations ("
           "version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)";
    sql << "COMMIT";
}

bool isApplied(soci::session& sql, int version) {
    int count = 0;
    sql << "SELECT COUNT(*) FROM schema_migrations WHERE version = :version", soci::use(version),
        soci::into(count);
    return count > 0;
}

// Returns whether it applied the migration (another process may have been first).
bool applyOne(soci::session& sql, Backend backend, const Migration& migration) {
    beginExclusive(sql, backend);
    try {
        if (isApplied(sql, migration.version)) {
            sql << "ROLLBACK";
            return false;
        }
        for (const std::string& statement : migration.statements) {
            const std::string text = sqlFor(backend, statement);
            if (!text.empty()) sql << text;
        }
        int version = migration.version;
        Timestamp now = nowMillis();
        sql << "INSERT INTO schema_migrations (version, applied_at) VALUES (:version, :now)",
            soci::use(version), soci::use(now);
        sql << "COMMIT";
        return true;
    } catch (const soci::soci_error&) {
        rollbackQuietly(sql);
        throw;
    }
}

bool migrationsTableExists(soci::session& sql, Backend backend) {
    int count = 0;
    if (backend == Backend::sqlite3) {
        sql << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = "
               "'schema_migrations'",
            soci::into(count);
    } else {
        sql << "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "
               "current_schema() AND table_name = 'schema_migrations'",
            soci::into(count);
    }
    return count > 0;
}

}  // namespace

const std::vector<Migration>& allMigrations() {
    static const std::vector<Migration> migrations = {
        initialSchema(),   sharedResourceIds(), identityModelMigration(), orgStructureMigration(),
        agentsMigration(), signInMigration(),   syncStateMigration(),     readIndexesMigration(),
    };
    return migrations;
}

std::string sqlFor(Backend backend, const std::string& statement) {
    static const std::string postgresqlOnly = "{{postgresql}}";
    if (statement.rfind(postgresqlOnly, 0) == 0) {
        return backend == Backend::postgresql ? statement.substr(postgresqlOnly.size())
                                              : std::string();
    }
    static const std::string sqliteOnly = "{{sqlite3}}";
    if (statement.rfind(sqliteOnly, 0) == 0) {
        return backend == Backend::sqlite3 ? statement.substr(sqliteOnly.size()) : std::string();
    }
    static const std::string placeholder = "{{id_pk}}";
    // AUTOINCREMENT (not plain rowid) so SQLite never reuses the id of a
    // deleted row, as BIGSERIAL never does: audit events keep pointing at
    // "Deleted User (ID: n)" and never at a newer user.
    const std::string replacement =
        backend == Backend::sqlite3 ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGSERIAL PRIMARY KEY";
    std::string out = statement;
    for (std::size_t at = out.find(placeholder); at != std::string::npos;
         at = out.find(placeholder, at + replacement.size())) {
        out.replace(at, placeholder.size(), replacement);
    }
    return out;
}

std::string uniqueIndexForSqliteColumns(std::string_view columns) {
    static const std::map<std::string_view, std::string> byColumns = {
        {"tenants.name", "ux_tenants_name"},
        {"api_tokens.secret_hash", "ux_api_tokens_secret_hash"},
        {"users.tenant_id, users.user_name_norm", "ux_users_user_name"},
        {"users.tenant_id, users.display_name_norm", "ux_users_display_name"},
        {"identifiers.tenant_id, identifiers.kind, identifiers.value_norm, "
         "identifiers.logon_domain_norm",
         "ux_identifiers_value"},
        {"roles.tenant_id, roles.name_norm", "ux_roles_name"},
        {"user_roles.user_id, user_roles.role_id", "pk_user_roles"},
        {"groups.tenant_id, groups.display_name_norm", "ux_groups_display_name"},
        {"users.tenant_id, users.external_id", "ux_users_external_id"},
        {"groups.tenant_id, groups.external_id", "ux_groups_external_id"},
        {"group_members.group_id, group_members.member_user_id", "ux_group_members_user"},
        {"group_members.group_id, group_members.member_group_id", "ux_group_members_group"},
        {"group_owners.group_id, group_owners.user_id", "pk_group_owners"},
        {"devices.tenant_id, devices.device_id_norm", "ux_devices_device_id"},
        {"departments.tenant_id, departments.name_norm", "ux_departments_name"},
        {"sections.department_id, sections.name_norm", "ux_sections_name"},
        {"teams.tenant_id, teams.name_norm", "ux_teams_name"},
        {"sites.tenant_id, sites.name_norm", "ux_sites_name"},
        {"tags.tenant_id, tags.name_norm", "ux_tags_name"},
        {"tracking_rules.tenant_id, tracking_rules.username_norm, tracking_rules.domain_norm",
         "ux_tracking_exclusions"},
        {"sign_in_sessions.secret_hash", "ux_sign_in_sessions_secret"},
        {"trusted_devices.secret_hash", "ux_trusted_devices_secret"},
        {"single_use_tokens.token_hash", "ux_single_use_tokens_hash"},
    };
    auto found = byColumns.find(columns);
    return found == byColumns.end() ? std::string() : found->second;
}

int applyPendingMigrations(soci::session& sql, Backend backend) {
    ensureMigrationsTable(sql, backend);
    int applied = 0;
    for (const Migration& migration : allMigrations()) {
        if (applyOne(sql, backend, migration)) ++applied;
    }
    return applied;
}

int appliedSchemaVersion(soci::session& sql, Backend backend) {
    if (!migrationsTableExists(sql, backend)) return 0;
    int version = 0;
    sql << "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", soci::into(version);
    return version;
}

}  // namespace muster::store
