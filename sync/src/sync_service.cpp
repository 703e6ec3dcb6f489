#include "muster/sync/sync_service.hpp"

#include <cstdio>
#include <sstream>

#include "muster/core/error.hpp"
#include "muster/core/role_limits.hpp"

namespace muster::sync {

struct SyncService::Source {
    config::SyncSourceConfig config;
    bool running = false;
    SyncProgress progress;
    std::optional<SyncReport> lastReport;
    Timestamp nextRunAt = 0;
    // Metrics since start.
    std::map<std::string, std::int64_t> runsByStatus;
    SyncRunCounts totals;
    double lastDurationSeconds = 0;
    Timestamp lastSuccessAt = 0;
    // The thread of the source's last background run: at most one per
    // source, joined before the next one starts.
    std::thread worker;
};

SyncService::SyncService(Store& store, const config::SyncConfig& config) : store_(store) {
    const Timestamp now = nowMillis();
    for (const config::SyncSourceConfig& source : config.sources) {
        auto entry = std::make_unique<Source>();
        entry->config = source;
        // A first scheduled run shortly after start, not all at once.
        entry->nextRunAt = now + 5000 + 1000 * static_cast<Timestamp>(sources_.size());
        sources_.push_back(std::move(entry));
    }
}

SyncService::~SyncService() { stop(); }

void SyncService::startScheduler() {
    std::lock_guard lock(mutex_);
    if (scheduler_.joinable() || sources_.empty()) return;
    scheduler_ = std::thread([this] { schedulerLoop(); });
}

void SyncService::stop() {
    std::vector<std::thread> workers;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        for (auto& source : sources_) workers.push_back(std::move(source->worker));
    }
    wake_.notify_all();
    if (scheduler_.joinable()) scheduler_.join();
    // Runs in flight finish their current batch and the rest of their read;
    // waiting keeps the store open for them.
    for (std::thread& worker : workers) {
        if (worker.joinable()) worker.join();
    }
}

std::optional<Id> SyncService::tenantIdOf(const std::string& tenantName) const {
    auto tx = store_.beginRead();
    std::optional<Tenant> tenant = tx->tenants().findByName(tenantName);
    return tenant ? std::optional<Id>(tenant->id) : std::nullopt;
}

SyncService::Source& SyncService::find(Id tenantId, const std::string& name) const {
    for (const auto& source : sources_) {
        if (source->config.name == name && tenantIdOf(source->config.tenant) == tenantId) {
            return *source;
        }
    }
    throw Error(ErrorCode::not_found, "no sync source named " + name + " in this tenant");
}

SyncReport SyncService::execute(Source& source, Id tenantId, const RunOptions& options) {
    RunOptions withProgress = options;
    withProgress.progress = [this, &source, outer = options.progress](const SyncProgress& p) {
        {
            std::lock_guard lock(mutex_);
            source.progress = p;
        }
        if (outer) outer(p);
    };
    SyncReport report;
    try {
        SyncEngine engine(store_, source.config, tenantId);
        report = engine.run(withProgress);
    } catch (const Error& error) {
        report.run.source = source.config.name;
        report.run.status = SyncRunStatus::failed;
        report.run.message = error.what();
    } catch (const std::exception& error) {
        // Anything else (a regex the value defeats, memory) fails this run
        // only: the worker must neither take the daemon down nor leave the
        // source marked running.
        report.run.source = source.config.name;
        report.run.status = SyncRunStatus::failed;
        report.run.message = std::string("internal error: ") + error.what();
    }
    std::lock_guard lock(mutex_);
    source.running = false;
    source.lastReport = report;
    if (!options.dryRun) {
        ++source.runsByStatus[std::string(toString(report.run.status))];
        const SyncRunCounts& c = report.run.counts;
        source.totals.entriesRead += c.entriesRead;
        source.totals.created += c.created;
        source.totals.updated += c.updated;
        source.totals.deactivated += c.deactivated;
        source.totals.deleted += c.deleted;
        source.totals.errors += c.errors;
        if (report.run.finishedAt) {
            source.lastDurationSeconds =
                static_cast<double>(*report.run.finishedAt - report.run.startedAt) / 1000.0;
        }
        if (report.run.status == SyncRunStatus::succeeded) source.lastSuccessAt = nowMillis();
    }
    return report;
}

void SyncService::recordRunRequest(const Principal& by, const std::string& name,
                                   const RunOptions& options) {
    find(by.tenantId, name);  // not_found for another tenant's source
    auto tx = store_.beginWrite();
    if (options.ignoreDeletionThreshold && !RoleLimits::load(*tx, by).unrestricted()) {
        throw Error(ErrorCode::forbidden,
                    "forcing a sync past its deletion threshold is for the tenant's top role",
                    "force");
    }
    AuditEvent event = auditEventBy(by, "sync.run", "sync_source", std::nullopt, name);
    event.after = Snapshot{{"dryRun", options.dryRun ? "true" : "false"},
                           {"full", options.full ? "true" : "false"},
                           {"force", options.ignoreDeletionThreshold ? "true" : "false"}};
    tx->audit().record(event);
    tx->commit();
}

void SyncService::trigger(Id tenantId, const std::string& name, const RunOptions& options) {
    Source& source = find(tenantId, name);
    std::lock_guard lock(mutex_);
    if (stopping_) throw Error(ErrorCode::unavailable, "the daemon is shutting down");
    if (source.running) {
        throw Error(ErrorCode::conflict, "sync source " + name + " is already running", "source");
    }
    source.running = true;
    source.progress = SyncProgress{"starting", 0, 0, 0, 0};
    startWorkerLocked(source, tenantId, options);
}

// Called with mutex_ held and source.running just set. The previous worker
// has set running = false under the mutex and is only returning, so joining
// it here is immediate.
void SyncService::startWorkerLocked(Source& source, Id tenantId, const RunOptions& options) {
    if (source.worker.joinable()) source.worker.join();
    source.worker =
        std::thread([this, &source, tenantId, options] { execute(source, tenantId, options); });
}

SyncReport SyncService::runNow(Id tenantId, const std::string& name, const RunOptions& options) {
    Source& source = find(tenantId, name);
    {
        std::lock_guard lock(mutex_);
        if (source.running) {
            throw Error(ErrorCode::conflict, "sync source " + name + " is already running",
                        "source");
        }
        source.running = true;
    }
    return execute(source, tenantId, options);
}

void SyncService::schedulerLoop() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        const Timestamp now = nowMillis();
        for (auto& source : sources_) {
            if (source->config.intervalSeconds <= 0 || source->running || now < source->nextRunAt) {
                continue;
            }
            source->nextRunAt = now + 1000LL * source->config.intervalSeconds;
            lock.unlock();
            std::optional<Id> tenantId = tenantIdOf(source->config.tenant);
            lock.lock();
            if (!tenantId || stopping_ || source->running) continue;
            source->running = true;
            startWorkerLocked(*source, *tenantId, RunOptions{});
        }
        wake_.wait_for(lock, std::chrono::seconds(1));
    }
}

SourceStatus SyncService::statusLocked(const Source& source, Id tenantId) const {
    SourceStatus status;
    status.name = source.config.name;
    status.tenant = source.config.tenant;
    status.type =
        source.config.type == config::DirectoryType::active_directory ? "active_directory" : "ldap";
    status.running = source.running;
    status.progress = source.progress;
    status.lastReport = source.lastReport;
    status.intervalSeconds = source.config.intervalSeconds;
    if (source.config.intervalSeconds > 0) status.nextRunAt = source.nextRunAt;
    (void)tenantId;
    return status;
}

SourceStatus SyncService::statusOf(Id tenantId, const std::string& name) const {
    const Source& source = find(tenantId, name);
    SourceStatus status;
    {
        std::lock_guard lock(mutex_);
        status = statusLocked(source, tenantId);
    }
    auto tx = store_.beginRead();
    status.history = tx->syncState().listRuns(tenantId, name, 10);
    return status;
}

std::vector<SourceStatus> SyncService::status(Id tenantId) const {
    std::vector<SourceStatus> all;
    for (const auto& source : sources_) {
        if (tenantIdOf(source->config.tenant) != tenantId) continue;
        all.push_back(statusOf(tenantId, source->config.name));
    }
    return all;
}

std::string SyncService::renderMetrics() const {
    std::ostringstream out;
    std::lock_guard lock(mutex_);
    if (sources_.empty()) return {};
    auto family = [&](const char* name, const char* type, const char* help) {
        out << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n";
    };
    family("muster_sync_runs_total", "counter", "Directory sync runs by source and result.");
    for (const auto& source : sources_) {
        for (const char* status : {"succeeded", "failed", "stopped"}) {
            auto found = source->runsByStatus.find(status);
            out << "muster_sync_runs_total{source=\"" << source->config.name << "\",status=\""
                << status << "\"} " << (found == source->runsByStatus.end() ? 0 : found->second)
                << "\n";
        }
    }
    family("muster_sync_entries_read_total", "counter", "Directory entries read.");
    for (const auto& source : sources_) {
        out << "muster_sync_entries_read_total{source=\"" << source->config.name << "\"} "
            << source->totals.entriesRead << "\n";
    }
    family("muster_sync_changes_total", "counter", "Changes applied by directory sync.");
    for (const auto& source : sources_) {
        const SyncRunCounts& c = source->totals;
        for (const auto& [kind, value] :
             {std::pair<const char*, std::int64_t>{"created", c.created},
              {"updated", c.updated},
              {"deactivated", c.deactivated},
              {"deleted", c.deleted}}) {
            out << "muster_sync_changes_total{source=\"" << source->config.name << "\",change=\""
                << kind << "\"} " << value << "\n";
        }
    }
    family("muster_sync_entry_errors_total", "counter", "Entries a sync refused.");
    for (const auto& source : sources_) {
        out << "muster_sync_entry_errors_total{source=\"" << source->config.name << "\"} "
            << source->totals.errors << "\n";
    }
    family("muster_sync_running", "gauge", "1 while a run of the source is in progress.");
    for (const auto& source : sources_) {
        out << "muster_sync_running{source=\"" << source->config.name << "\"} "
            << (source->running ? 1 : 0) << "\n";
    }
    family("muster_sync_last_run_duration_seconds", "gauge", "Duration of the last run.");
    for (const auto& source : sources_) {
        out << "muster_sync_last_run_duration_seconds{source=\"" << source->config.name << "\"} "
            << source->lastDurationSeconds << "\n";
    }
    family("muster_sync_last_success_timestamp_seconds", "gauge",
           "When the last successful run finished (0: never).");
    for (const auto& source : sources_) {
        out << "muster_sync_last_success_timestamp_seconds{source=\"" << source->config.name
            << "\"} " << source->lastSuccessAt / 1000 << "\n";
    }
    return out.str();
}

}  // namespace muster::sync
