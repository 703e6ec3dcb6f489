#include "migrations.hpp"

namespace muster::store {

// Migration 8: covering indexes for the hot read of a user (SCIM GET, every
// list page): its identifiers, roles and group memberships now come from the
// index alone instead of an index entry plus a table row each. On a store
// larger than the page cache every table row read was one more disk page
// (a pread on SQLite). They replace the single-column indexes they extend.
Migration readIndexesMigration() {
    return {8,
            "covering indexes for reading a user's identifiers, roles and groups",
            {
                "CREATE INDEX ix_identifiers_user_read ON identifiers (user_id, tenant_id, "
                "position, any_domain, is_primary, id, kind, value, logon_domain, type)",
                "DROP INDEX ix_identifiers_user",
                "CREATE INDEX ix_user_roles_user_read ON user_roles (user_id, tenant_id, role_id)",
                "CREATE INDEX ix_group_members_member_user_read ON group_members "
                "(member_user_id, tenant_id, group_id)",
                "DROP INDEX ix_group_members_member_user",
            }};
}

}  // namespace muster::store
