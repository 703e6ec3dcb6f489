// Admin API for directory sync (SPEC D-6): /api/v1/sync/sources
//   GET  /api/v1/sync/sources               every source of the caller's tenant
//   GET  /api/v1/sync/sources/{name}        status, progress, last report, history
//   POST /api/v1/sync/sources/{name}/run    {"dryRun", "full", "force"}: a dry run
//        answers with its plan (200); a real run starts in the background (202)

#include <nlohmann/json.hpp>

#include "muster/core/error.hpp"
#include "muster/daemon/admin_api.hpp"
#include "muster/daemon/json_body.hpp"
#include "muster/daemon/routes.hpp"
#include "muster/sync/sync_service.hpp"

namespace muster::daemon {

namespace {

nlohmann::json optionalTime(const std::optional<Timestamp>& time) {
    return time ? nlohmann::json(formatTimestamp(*time)) : nlohmann::json(nullptr);
}

nlohmann::json countsJson(const SyncRunCounts& c) {
    return {{"entriesRead", c.entriesRead},
            {"created", c.created},
            {"updated", c.updated},
            {"unchanged", c.unchanged},
            {"deactivated", c.deactivated},
            {"deleted", c.deleted},
            {"groupsCreated", c.groupsCreated},
            {"groupsUpdated", c.groupsUpdated},
            {"groupsDeleted", c.groupsDeleted},
            {"errors", c.errors}};
}

nlohmann::json runJson(const SyncRun& run) {
    nlohmann::json json = {{"id", run.id},
                           {"full", run.full},
                           {"dryRun", run.dryRun},
                           {"status", std::string(toString(run.status))},
                           {"started", formatTimestamp(run.startedAt)},
                           {"finished", optionalTime(run.finishedAt)},
                           {"counts", countsJson(run.counts)},
                           {"message", run.message}};
    if (run.finishedAt) {
        json["durationSeconds"] = static_cast<double>(*run.finishedAt - run.startedAt) / 1000.0;
    }
    return json;
}

nlohmann::json reportJson(const sync::SyncReport& report) {
    nlohmann::json plan = nlohmann::json::array();
    for (const sync::PlannedChange& change : report.plan) {
        nlohmann::json diffs = nlohmann::json::array();
        for (const sync::FieldDiff& diff : change.diffs) {
            diffs.push_back(
                {{"field", diff.field}, {"before", diff.before}, {"after", diff.after}});
        }
        plan.push_back({{"action", change.action},
                        {"name", change.name},
                        {"dn", change.dn},
                        {"anchor", change.anchor},
                        {"diffs", diffs}});
    }
    nlohmann::json errors = nlohmann::json::array();
    for (const DirectoryEntryError& error : report.errors) {
        errors.push_back({{"dn", error.dn}, {"anchor", error.anchor}, {"message", error.message}});
    }
    return {{"run", runJson(report.run)},
            {"method", report.method},
            {"plannedTotal", report.plannedTotal},
            {"plan", plan},
            {"errors", errors},
            {"unresolvedMembers", report.unresolvedMembers},
            {"batches", report.batches}};
}

nlohmann::json progressJson(const sync::SyncProgress& progress) {
    const double rate = progress.elapsedSeconds > 0
                            ? static_cast<double>(progress.entriesRead) / progress.elapsedSeconds
                            : 0.0;
    return {{"phase", progress.phase},
            {"entriesRead", progress.entriesRead},
            {"changesPlanned", progress.changesPlanned},
            {"changesApplied", progress.changesApplied},
            {"elapsedSeconds", progress.elapsedSeconds},
            {"entriesPerSecond", rate}};
}

nlohmann::json statusJson(const sync::SourceStatus& status) {
    nlohmann::json history = nlohmann::json::array();
    for (const SyncRun& run : status.history) history.push_back(runJson(run));
    nlohmann::json json = {{"name", status.name},
                           {"tenant", status.tenant},
                           {"type", status.type},
                           {"running", status.running},
                           {"intervalSeconds", status.intervalSeconds},
                           {"nextRun", optionalTime(status.nextRunAt)},
                           {"history", history},
                           {"lastReport", nullptr}};
    if (status.running) json["progress"] = progressJson(status.progress);
    // The entries the last complete run read: what a progress bar counts towards.
    for (const SyncRun& run : status.history) {
        if (run.full && run.status == SyncRunStatus::succeeded) {
            json["expectedEntries"] = run.counts.entriesRead;
            break;
        }
    }
    if (status.lastReport) json["lastReport"] = reportJson(*status.lastReport);
    return json;
}

sync::SyncService& syncService(ServerContext& context) {
    if (!context.sync) throw Error(ErrorCode::not_found, "directory sync is not configured");
    return *context.sync;
}

HttpResponse listSources(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    nlohmann::json items = nlohmann::json::array();
    if (context.sync) {
        for (const sync::SourceStatus& status : context.sync->status(request.caller().tenantId)) {
            items.push_back(statusJson(status));
        }
    }
    return HttpResponse::json(200, nlohmann::json{{"items", items}}.dump());
}

HttpResponse showSource(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    const sync::SourceStatus status =
        syncService(context).statusOf(request.caller().tenantId, request.pathParam("name"));
    return HttpResponse::json(200, statusJson(status).dump());
}

bool flag(const nlohmann::json& body, const char* name) {
    auto found = body.find(name);
    if (found == body.end() || found->is_null()) return false;
    if (!found->is_boolean()) {
        throw Error(ErrorCode::invalid_input, std::string(name) + ": expected true or false", name);
    }
    return found->get<bool>();
}

HttpResponse runSource(ServerContext& context, HttpRequest& request) {
    requireAdmin(request.caller());
    const nlohmann::json body =
        request.body.empty() ? nlohmann::json::object() : parseJsonObject(request.body);
    sync::RunOptions options;
    options.dryRun = flag(body, "dryRun");
    options.full = flag(body, "full");
    options.ignoreDeletionThreshold = flag(body, "force");
    const std::string& name = request.pathParam("name");
    const Id tenantId = request.caller().tenantId;
    sync::SyncService& service = syncService(context);
    service.recordRunRequest(request.caller(), name, options);
    if (options.dryRun) {
        const sync::SyncReport report = service.runNow(tenantId, name, options);
        return HttpResponse::json(200, reportJson(report).dump());
    }
    service.trigger(tenantId, name, options);
    return HttpResponse::json(202, statusJson(service.statusOf(tenantId, name)).dump());
}

}  // namespace

void registerSyncRoutes(ServerContext& context) {
    addAdminRoute(context, "GET", "/api/v1/sync/sources", listSources);
    addAdminRoute(context, "GET", "/api/v1/sync/sources/{name}", showSource);
    addAdminRoute(context, "POST", "/api/v1/sync/sources/{name}/run", runSource);
}

}  // namespace muster::daemon
