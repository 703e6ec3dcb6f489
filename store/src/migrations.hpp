#pragma once

// The schema, as an ordered list of versioned migrations, and the code that
// applies the pending ones.

#include <string>
#include <string_view>
#include <vector>

#include "store_url.hpp"

namespace soci {
class session;
}

namespace muster::store {

struct Migration {
    int version = 0;
    std::string description;
    // Portable SQL; "{{id_pk}}" stands for the backend's auto-increment primary key.
    // A statement that starts with "{{postgresql}}" runs on PostgreSQL only,
    // one that starts with "{{sqlite3}}" on SQLite only.
    std::vector<std::string> statements;
};

const std::vector<Migration>& allMigrations();

// Later migrations, each in its own file (migration_*.cpp).
Migration identityModelMigration();  // 3
Migration orgStructureMigration();   // 4
Migration agentsMigration();         // 5
Migration signInMigration();         // 6
Migration syncStateMigration();      // 7 (migration_sync.cpp)
Migration readIndexesMigration();    // 8 (migration_read_indexes.cpp)

// Replaces the placeholders for the backend; empty when the statement is not
// for this backend.
std::string sqlFor(Backend backend, const std::string& statement);

// SQLite names the columns of a violated unique index ("users.tenant_id,
// users.user_name_norm") where PostgreSQL names the index; this maps the
// former to the latter so both backends report the same constraint name.
// Empty when unknown.
std::string uniqueIndexForSqliteColumns(std::string_view columns);

// Applies each pending migration in its own transaction (with its
// schema_migrations row); returns how many were applied. The session must be
// outside any transaction.
int applyPendingMigrations(soci::session& sql, Backend backend);

// Highest applied version; 0 for an empty database.
int appliedSchemaVersion(soci::session& sql, Backend backend);

}  // namespace muster::store
