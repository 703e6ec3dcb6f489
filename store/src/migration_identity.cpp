#include "migrations.hpp"

namespace muster::store {

// Migration 3: what the identity model (SPEC T-3, U-3, U-9) adds to users and
// tokens.
// - api_tokens.user_id: a token issued on behalf of a user acts with that
//   user's roles, so the role limits hold for automation too.
// - users.primary_group_id: the primary group an admin chose explicitly;
//   without one it is derived from the groups' goals on every read.
// - users.former_manager_id: deleting a manager clears manager_id (the row is
//   gone) but keeps who it was, so reports show "Deleted User (ID: n)".
Migration identityModelMigration() {
    return {3,
            "tokens on behalf of users, explicit primary groups, former managers",
            {
                "ALTER TABLE api_tokens ADD COLUMN user_id BIGINT "
                "REFERENCES users(id) ON DELETE CASCADE",
                "CREATE INDEX ix_api_tokens_user ON api_tokens (user_id)",
                "ALTER TABLE users ADD COLUMN primary_group_id BIGINT "
                "REFERENCES groups(id) ON DELETE SET NULL",
                "ALTER TABLE users ADD COLUMN former_manager_id BIGINT",
                "CREATE INDEX ix_users_status ON users (tenant_id, status)",
            }};
}

}  // namespace muster::store
