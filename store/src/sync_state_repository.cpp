#include "sync_state_repository.hpp"

#include "sql_errors.hpp"
#include "sql_statement.hpp"

namespace muster::store {

namespace {

const char* kindText(SyncObjectKind kind) {
    return kind == SyncObjectKind::user ? "user" : "group";
}

struct ObjectRow {
    std::string kind;
    std::string anchor;
    Id resourceId = 0;
    std::string dn;
    std::string fingerprint;
    Timestamp missingSince = 0;
    soci::indicator missingInd = soci::i_null;
};

SyncObject objectOf(const ObjectRow& row) {
    SyncObject object;
    object.kind = row.kind == "group" ? SyncObjectKind::group : SyncObjectKind::user;
    object.anchor = row.anchor;
    object.resourceId = row.resourceId;
    object.dn = row.dn;
    object.fingerprint = row.fingerprint;
    if (row.missingInd != soci::i_null) object.missingSince = row.missingSince;
    return object;
}

template <typename... Param>
std::vector<SyncObject> selectObjects(soci::session& sql, const std::string& where,
                                      Param&... param) {
    SqlStatement st(sql,
                    "SELECT kind, anchor, resource_id, dn, fingerprint, missing_since "
                    "FROM sync_objects " +
                        where,
                    Reuse::prepared);
    ObjectRow row;
    st.into(row.kind);
    st.into(row.anchor);
    st.into(row.resourceId);
    st.into(row.dn);
    st.into(row.fingerprint);
    st.into(row.missingSince, row.missingInd);
    (st.use(param), ...);
    std::vector<SyncObject> objects;
    for (bool more = st.execute(); more; more = st.fetchNext()) objects.push_back(objectOf(row));
    return objects;
}

std::optional<SyncObject> firstOf(std::vector<SyncObject> objects) {
    if (objects.empty()) return std::nullopt;
    return objects.front();
}

struct RunRow {
    SyncRun run;
    int full = 0;
    int dryRun = 0;
    std::string status;
    Timestamp finishedAt = 0;
    soci::indicator finishedInd = soci::i_null;
};

}  // namespace

std::optional<SyncSourceState> SqlSyncStateRepository::findSource(Id tenantId,
                                                                  const std::string& source) {
    return translateErrors([&]() -> std::optional<SyncSourceState> {
        SqlStatement st(sql_,
                        "SELECT cookie, last_full_sync_at FROM sync_sources "
                        "WHERE tenant_id = :tenant_id AND source = :source",
                        Reuse::prepared);
        SyncSourceState state;
        Timestamp lastFull = 0;
        soci::indicator lastFullInd = soci::i_null;
        std::string name = source;
        st.into(state.cookie);
        st.into(lastFull, lastFullInd);
        st.use(tenantId);
        st.use(name);
        if (!st.execute()) return std::nullopt;
        if (lastFullInd != soci::i_null) state.lastFullSyncAt = lastFull;
        return state;
    });
}

void SqlSyncStateRepository::saveSource(Id tenantId, const std::string& source,
                                        const SyncSourceState& state) {
    translateErrors([&] {
        std::string name = source;
        std::string cookie = state.cookie;
        Timestamp lastFull = state.lastFullSyncAt.value_or(0);
        soci::indicator lastFullInd = state.lastFullSyncAt ? soci::i_ok : soci::i_null;
        SqlStatement st(sql_,
                        "INSERT INTO sync_sources (tenant_id, source, cookie, last_full_sync_at) "
                        "VALUES (:tenant_id, :source, :cookie, :last_full) "
                        "ON CONFLICT (tenant_id, source) DO UPDATE SET cookie = excluded.cookie, "
                        "last_full_sync_at = excluded.last_full_sync_at",
                        Reuse::prepared);
        st.use(tenantId);
        st.use(name);
        st.use(cookie);
        st.use(lastFull, lastFullInd);
        st.execute();
    });
}

std::vector<SyncObject> SqlSyncStateRepository::listObjects(Id tenantId, const std::string& source,
                                                            SyncObjectKind kind) {
    return translateErrors([&] {
        std::string name = source;
        std::string kindName = kindText(kind);
        return selectObjects(sql_,
                             "WHERE tenant_id = :tenant_id AND source = :source AND kind = :kind",
                             tenantId, name, kindName);
    });
}

std::optional<SyncObject> SqlSyncStateRepository::findObject(Id tenantId, const std::string& source,
                                                             SyncObjectKind kind,
                                                             const std::string& anchor) {
    return translateErrors([&] {
        std::string name = source;
        std::string kindName = kindText(kind);
        std::string key = anchor;
        return firstOf(selectObjects(sql_,
                                     "WHERE tenant_id = :tenant_id AND source = :source AND "
                                     "kind = :kind AND anchor = :anchor",
                                     tenantId, name, kindName, key));
    });
}

std::optional<SyncObject> SqlSyncStateRepository::findObjectByDn(Id tenantId,
                                                                 const std::string& source,
                                                                 const std::string& dn) {
    return translateErrors([&] {
        std::string name = source;
        std::string key = dn;
        // A DN names one entry; after a rename the old row keeps its DN until
        // it is written again, so the one not missing wins.
        return firstOf(selectObjects(sql_,
                                     "WHERE tenant_id = :tenant_id AND source = :source AND "
                                     "dn = :dn ORDER BY missing_since IS NOT NULL, kind DESC",
                                     tenantId, name, key));
    });
}

void SqlSyncStateRepository::saveObject(Id tenantId, const std::string& source,
                                        const SyncObject& object) {
    translateErrors([&] {
        std::string name = source;
        std::string kindName = kindText(object.kind);
        std::string anchor = object.anchor;
        Id resourceId = object.resourceId;
        std::string dn = object.dn;
        std::string fingerprint = object.fingerprint;
        Timestamp missing = object.missingSince.value_or(0);
        soci::indicator missingInd = object.missingSince ? soci::i_ok : soci::i_null;
        SqlStatement st(
            sql_,
            "INSERT INTO sync_objects (tenant_id, source, kind, anchor, resource_id, "
            "dn, fingerprint, missing_since) VALUES (:tenant_id, :source, :kind, "
            ":anchor, :resource_id, :dn, :fingerprint, :missing_since) "
            "ON CONFLICT (tenant_id, source, kind, anchor) DO UPDATE SET "
            "resource_id = excluded.resource_id, dn = excluded.dn, "
            "fingerprint = excluded.fingerprint, missing_since = excluded.missing_since",
            Reuse::prepared);
        st.use(tenantId);
        st.use(name);
        st.use(kindName);
        st.use(anchor);
        st.use(resourceId);
        st.use(dn);
        st.use(fingerprint);
        st.use(missing, missingInd);
        st.execute();
    });
}

void SqlSyncStateRepository::removeObject(Id tenantId, const std::string& source,
                                          SyncObjectKind kind, const std::string& anchor) {
    translateErrors([&] {
        std::string name = source;
        std::string kindName = kindText(kind);
        std::string key = anchor;
        SqlStatement st(
            sql_,
            "DELETE FROM sync_objects WHERE tenant_id = :tenant_id AND source = :source "
            "AND kind = :kind AND anchor = :anchor",
            Reuse::prepared);
        st.use(tenantId);
        st.use(name);
        st.use(kindName);
        st.use(key);
        st.execute();
    });
}

Id SqlSyncStateRepository::startRun(const SyncRun& run) {
    return translateErrors([&] {
        Id id = 0;
        Id tenantId = run.tenantId;
        std::string source = run.source;
        int full = run.full ? 1 : 0;
        int dryRun = run.dryRun ? 1 : 0;
        std::string status(toString(run.status));
        Timestamp startedAt = run.startedAt;
        sql_ << "INSERT INTO sync_runs (tenant_id, source, full_sync, dry_run, status, started_at) "
                "VALUES (:tenant_id, :source, :full_sync, :dry_run, :status, :started_at) "
                "RETURNING id",
            soci::use(tenantId), soci::use(source), soci::use(full), soci::use(dryRun),
            soci::use(status), soci::use(startedAt), soci::into(id);
        return id;
    });
}

void SqlSyncStateRepository::finishRun(const SyncRun& run) {
    translateErrors([&] {
        SyncRun copy = run;
        std::string status(toString(run.status));
        Timestamp finishedAt = run.finishedAt.value_or(0);
        soci::indicator finishedInd = run.finishedAt ? soci::i_ok : soci::i_null;
        int full = run.full ? 1 : 0;
        SyncRunCounts& c = copy.counts;
        SqlStatement st(sql_,
                        "UPDATE sync_runs SET status = :status, finished_at = :finished_at, "
                        "full_sync = :full_sync, entries_read = :entries_read, created = :created, "
                        "updated = :updated, unchanged = :unchanged, deactivated = :deactivated, "
                        "deleted = :deleted, groups_created = :groups_created, "
                        "groups_updated = :groups_updated, groups_deleted = :groups_deleted, "
                        "errors = :errors, message = :message "
                        "WHERE id = :id AND tenant_id = :tenant_id",
                        Reuse::prepared);
        st.use(status);
        st.use(finishedAt, finishedInd);
        st.use(full);
        st.use(c.entriesRead);
        st.use(c.created);
        st.use(c.updated);
        st.use(c.unchanged);
        st.use(c.deactivated);
        st.use(c.deleted);
        st.use(c.groupsCreated);
        st.use(c.groupsUpdated);
        st.use(c.groupsDeleted);
        st.use(c.errors);
        st.use(copy.message);
        st.use(copy.id);
        st.use(copy.tenantId);
        st.execute();
    });
}

std::vector<SyncRun> SqlSyncStateRepository::listRuns(Id tenantId, const std::string& source,
                                                      std::size_t limit) {
    return translateErrors([&] {
        std::string name = source;
        long long count = static_cast<long long>(limit);
        SqlStatement st(sql_,
                        "SELECT id, tenant_id, source, full_sync, dry_run, status, started_at, "
                        "finished_at, entries_read, created, updated, unchanged, deactivated, "
                        "deleted, groups_created, groups_updated, groups_deleted, errors, message "
                        "FROM sync_runs WHERE tenant_id = :tenant_id AND source = :source "
                        "ORDER BY id DESC LIMIT :limit",
                        Reuse::prepared);
        RunRow row;
        SyncRunCounts& c = row.run.counts;
        st.into(row.run.id);
        st.into(row.run.tenantId);
        st.into(row.run.source);
        st.into(row.full);
        st.into(row.dryRun);
        st.into(row.status);
        st.into(row.run.startedAt);
        st.into(row.finishedAt, row.finishedInd);
        st.into(c.entriesRead);
        st.into(c.created);
        st.into(c.updated);
        st.into(c.unchanged);
        st.into(c.deactivated);
        st.into(c.deleted);
        st.into(c.groupsCreated);
        st.into(c.groupsUpdated);
        st.into(c.groupsDeleted);
        st.into(c.errors);
        st.into(row.run.message);
        st.use(tenantId);
        st.use(name);
        st.use(count);
        std::vector<SyncRun> runs;
        for (bool more = st.execute(); more; more = st.fetchNext()) {
            SyncRun run = row.run;
            run.full = row.full != 0;
            run.dryRun = row.dryRun != 0;
            run.status = parseSyncRunStatus(row.status).value_or(SyncRunStatus::failed);
            run.finishedAt = row.finishedInd == soci::i_null
                                 ? std::nullopt
                                 : std::optional<Timestamp>(row.finishedAt);
            runs.push_back(run);
        }
        return runs;
    });
}

}  // namespace muster::store
