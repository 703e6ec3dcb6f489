#include "migrations.hpp"

namespace muster::store {

// Migration 5: agents and their devices (SPEC U-6), tracking rules (U-7) and
// the historical activity data agents report (U-8).
// - devices: one row per agent installation; user_id is the user the agent is
//   assigned to (cleared when that user is removed).
// - device_assignments: the history of a device's users. No foreign keys on
//   the user ids, so the history keeps "Deleted User (ID: n)".
// - logon_domains: which email domains a Windows logon domain's accounts use
//   (CORP -> corp.example.com), for matching a check-in to an existing user.
// - agent_placeholders: the placeholder email a check-in gave an auto-created
//   user, so that it can be recognised and removed later.
// - tracking_rules: rules generated from untracked users' identifiers
//   (user_id set, removed with the user) and tenant exclusions (user_id NULL);
//   domain '' means every domain. tracking_state.version tells every daemon
//   sharing the store when to rebuild its in-memory index.
// - activity_data: keyed by user id without a foreign key, so removing a user
//   record and deleting its historical data stay separate actions.
Migration agentsMigration() {
    return {5,
            "agents, tracking, activity data",
            {
                R"(CREATE TABLE devices (
            id {{id_pk}},
            tenant_id BIGINT NOT NULL REFERENCES tenants(id),
            device_id TEXT NOT NULL,
            device_id_norm TEXT NOT NULL,
            hostname TEXT NOT NULL DEFAULT '',
            os TEXT NOT NULL DEFAULT '',
            login_username TEXT NOT NULL DEFAULT '',
            login_domain TEXT NOT NULL DEFAULT '',
            agent_version TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL,
            user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
            first_seen_at BIGINT NOT NULL,
            last_checkin_at BIGINT NOT NULL,
            decided_at BIGINT))",
                "CREATE UNIQUE INDEX ux_devices_device_id ON devices (tenant_id, device_id_norm)",
                "CREATE INDEX ix_devices_user ON devices (user_id)",
                "CREATE INDEX ix_devices_status ON devices (tenant_id, status, id)",

                R"(CREATE TABLE device_assignments (
            id {{id_pk}},
            tenant_id BIGINT NOT NULL REFERENCES tenants(id),
            device_id BIGINT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
            from_user_id BIGINT,
            to_user_id BIGINT,
            reason TEXT NOT NULL,
            actor TEXT NOT NULL,
            occurred_at BIGINT NOT NULL))",
                "CREATE INDEX ix_device_assignments_device ON device_assignments (device_id, id)",

                R"(CREATE TABLE logon_domains (
            tenant_id BIGINT NOT NULL REFERENCES tenants(id),
            logon_domain TEXT NOT NULL,
            logon_domain_norm TEXT NOT NULL,
            email_domain TEXT NOT NULL,
            email_domain_norm TEXT NOT NULL,
            CONSTRAINT pk_logon_domains
                PRIMARY KEY (tenant_id, logon_domain_norm, email_domain_norm)))",

                R"(CREATE TABLE agent_placeholders (
            tenant_id BIGINT NOT NULL REFERENCES tenants(id),
            user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            email_norm TEXT NOT NULL,
            CONSTRAINT pk_agent_placeholders PRIMARY KEY (user_id)))",

                R"(CREATE TABLE tracking_rules (
            id {{id_pk}},
            tenant_id BIGINT NOT NULL REFERENCES tenants(id),
            user_id BIGINT REFERENCES users(id) ON DELETE CASCADE,
            username TEXT NOT NULL,
            username_norm TEXT NOT NULL,
            domain TEXT NOT NULL DEFAULT '',
            domain_norm TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            created_at BIGINT NOT NULL))",
                "CREATE INDEX ix_tracking_rules_tenant ON tracking_rules (tenant_id, id)",
                "CREATE INDEX ix_tracking_rules_user ON tracking_rules (user_id)",
                "CREATE UNIQUE INDEX ux_tracking_exclusions ON tracking_rules "
                "(tenant_id, username_norm, domain_norm) WHERE user_id IS NULL",

                R"(CREATE TABLE tracking_state (
            tenant_id BIGINT NOT NULL REFERENCES tenants(id),
            version BIGINT NOT NULL,
            CONSTRAINT pk_tracking_state PRIMARY KEY (tenant_id)))",
                // The untracked-users fingerprint reads only these rows.
                "CREATE INDEX ix_users_untracked ON users (tenant_id) WHERE tracked = 0",

                R"(CREATE TABLE activity_data (
            id {{id_pk}},
            tenant_id BIGINT NOT NULL REFERENCES tenants(id),
            user_id BIGINT NOT NULL,
            device_id BIGINT REFERENCES devices(id) ON DELETE SET NULL,
            kind TEXT NOT NULL,
            started_at BIGINT NOT NULL,
            ended_at BIGINT NOT NULL,
            detail TEXT NOT NULL DEFAULT ''))",
                "CREATE INDEX ix_activity_data_user ON activity_data (tenant_id, user_id, id)",
            }};
}

}  // namespace muster::store
