#include "migrations.hpp"

namespace muster::store {

// Migration 7: directory sync state (SPEC D-1 ... D-6).
// - sync_sources: per tenant and source, the cookie / high-water mark of the
//   last committed batch, when the last full sync finished, and a lease so
//   that one daemon at a time runs a source (lease_owner until lease_until;
//   no longer used: runs hold Store::tryExclusiveLock instead, which the
//   server frees at once when a daemon dies).
// - sync_objects: which directory entry (anchor: entryUUID, objectGUID)
//   became which user or group, its normalised DN (member and manager
//   references are DNs), a digest of the values last written (unchanged
//   entries are skipped without reading the user) and since when a user has
//   been missing from the source. No foreign key on resource_id: an admin
//   may delete the user; the next sync then sees a dangling link and
//   creates the user again.
// - sync_runs: one report per run (counts, status, message).
Migration syncStateMigration() {
    return {7,
            "directory sync state: source cookies and leases, anchors of synced users and "
            "groups, run reports",
            {
                R"(CREATE TABLE sync_sources (
            tenant_id BIGINT NOT NULL REFERENCES tenants(id),
            source TEXT NOT NULL,
            cookie TEXT NOT NULL DEFAULT '',
            last_full_sync_at BIGINT,
            lease_owner TEXT NOT NULL DEFAULT '',
            lease_until BIGINT NOT NULL DEFAULT 0,
            CONSTRAINT pk_sync_sources PRIMARY KEY (tenant_id, source)))",

                R"(CREATE TABLE sync_objects (
            tenant_id BIGINT NOT NULL REFERENCES tenants(id),
            source TEXT NOT NULL,
            kind TEXT NOT NULL,
            anchor TEXT NOT NULL,
            resource_id BIGINT NOT NULL,
            dn TEXT NOT NULL DEFAULT '',
            fingerprint TEXT NOT NULL DEFAULT '',
            missing_since BIGINT,
            CONSTRAINT pk_sync_objects PRIMARY KEY (tenant_id, source, kind, anchor)))",
                "CREATE INDEX ix_sync_objects_dn ON sync_objects (tenant_id, source, dn)",
                "CREATE INDEX ix_sync_objects_resource ON sync_objects (resource_id)",

                R"(CREATE TABLE sync_runs (
            id {{id_pk}},
            tenant_id BIGINT NOT NULL REFERENCES tenants(id),
            source TEXT NOT NULL,
            full_sync INTEGER NOT NULL DEFAULT 0,
            dry_run INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL,
            started_at BIGINT NOT NULL,
            finished_at BIGINT,
            entries_read BIGINT NOT NULL DEFAULT 0,
            created BIGINT NOT NULL DEFAULT 0,
            updated BIGINT NOT NULL DEFAULT 0,
            unchanged BIGINT NOT NULL DEFAULT 0,
            deactivated BIGINT NOT NULL DEFAULT 0,
            deleted BIGINT NOT NULL DEFAULT 0,
            groups_created BIGINT NOT NULL DEFAULT 0,
            groups_updated BIGINT NOT NULL DEFAULT 0,
            groups_deleted BIGINT NOT NULL DEFAULT 0,
            errors BIGINT NOT NULL DEFAULT 0,
            message TEXT NOT NULL DEFAULT ''))",
                "CREATE INDEX ix_sync_runs_source ON sync_runs (tenant_id, source, id)",
            }};
}

}  // namespace muster::store
