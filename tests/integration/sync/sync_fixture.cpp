#include "sync_fixture.hpp"

#include <unistd.h>

#include <sstream>

#include "muster/store/sql_store.hpp"

namespace muster::test {

SyncStoreFixture::SyncStoreFixture(const std::string& postgresUrl) {
    std::string url = postgresUrl;
    if (url.empty()) {
        char pattern[] = "/tmp/muster-sync-test-XXXXXX";
        if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
        dir_ = pattern;
        url = "sqlite://" + (dir_ / "muster.db").string();
    }
    store_ = store::openStore(store::StoreOptions{url, 4, 5000});
    store_->migrate();
    auto tx = store_->beginWrite();
    Tenant tenant = tx->tenants().create("default");
    tx->roles().upsert(tenant.id, "admin", 300);
    tx->roles().upsert(tenant.id, "employee", 100);
    tx->commit();
    tenantId_ = tenant.id;
}

SyncStoreFixture::~SyncStoreFixture() {
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
}

sync::SyncReport SyncStoreFixture::run(const config::SyncSourceConfig& source,
                                       sync::RunOptions options) {
    sync::SyncEngine engine(*store_, source, tenantId_);
    return engine.run(options);
}

std::optional<User> SyncStoreFixture::user(const std::string& userName) {
    auto tx = store_->beginRead();
    return tx->users().findByUserName(tenantId_, userName);
}

std::optional<Group> SyncStoreFixture::group(const std::string& displayName) {
    auto tx = store_->beginRead();
    Page<Group> page = tx->groups().list(tenantId_, PageRequest{0, 1000}, true);
    for (Group& group : page.items) {
        if (group.displayName == displayName)
            return tx->groups().findById(tenantId_, group.id, true);
    }
    return std::nullopt;
}

std::int64_t SyncStoreFixture::userCount() {
    auto tx = store_->beginRead();
    return tx->users().list(tenantId_, PageRequest{0, 1}).totalResults;
}

std::int64_t SyncStoreFixture::auditCount() {
    auto tx = store_->beginRead();
    return static_cast<std::int64_t>(tx->audit().list(tenantId_, std::nullopt, 100000).size());
}

std::optional<AuditEvent> SyncStoreFixture::lastAudit() {
    auto tx = store_->beginRead();
    auto events = tx->audit().list(tenantId_, std::nullopt, 1);
    if (events.empty()) return std::nullopt;
    return events.front();
}

std::vector<SyncObject> SyncStoreFixture::objects(const std::string& source, SyncObjectKind kind) {
    auto tx = store_->beginRead();
    return tx->syncState().listObjects(tenantId_, source, kind);
}

std::string SyncStoreFixture::cookie(const std::string& source) {
    auto tx = store_->beginRead();
    auto state = tx->syncState().findSource(tenantId_, source);
    return state ? state->cookie : std::string();
}

std::string describe(const sync::SyncReport& report) {
    std::ostringstream out;
    const SyncRunCounts& c = report.run.counts;
    out << "status=" << toString(report.run.status) << " method=" << report.method
        << " full=" << report.run.full << " read=" << c.entriesRead << " created=" << c.created
        << " updated=" << c.updated << " unchanged=" << c.unchanged
        << " deactivated=" << c.deactivated << " deleted=" << c.deleted
        << " groups+=" << c.groupsCreated << " groups~=" << c.groupsUpdated
        << " groups-=" << c.groupsDeleted << " errors=" << c.errors << " message=\""
        << report.run.message << "\"";
    for (const auto& error : report.errors)
        out << "\n  error " << error.dn << ": " << error.message;
    return out.str();
}

}  // namespace muster::test
