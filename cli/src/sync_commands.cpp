// musterctl sync run / sync status: directory sync through the admin API
// (/api/v1/sync/sources).

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

#include "commands.hpp"

namespace musterctl {

namespace {

constexpr int exitRunFailed = 1;
constexpr int exitRunStopped = 3;  // the deletion threshold stopped the run
// A run is followed this long at most; it goes on in the daemon after that.
constexpr std::chrono::hours maxWait{12};
constexpr std::chrono::milliseconds pollInterval{500};

std::string text(const nlohmann::json& value) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_null()) return "-";
    return value.dump();
}

long long number(const nlohmann::json& object, const char* name) {
    auto found = object.find(name);
    return found != object.end() && found->is_number() ? found->get<long long>() : 0;
}

std::string sourcePath(const std::string& name) {
    return "/api/v1/sync/sources/" + urlEncode(name);
}

void printCounts(const nlohmann::json& counts) {
    std::printf(
        "  read %lld, created %lld, updated %lld, unchanged %lld, deactivated %lld, "
        "deleted %lld; groups +%lld ~%lld -%lld; errors %lld\n",
        number(counts, "entriesRead"), number(counts, "created"), number(counts, "updated"),
        number(counts, "unchanged"), number(counts, "deactivated"), number(counts, "deleted"),
        number(counts, "groupsCreated"), number(counts, "groupsUpdated"),
        number(counts, "groupsDeleted"), number(counts, "errors"));
}

void printPlan(const nlohmann::json& report) {
    for (const auto& change : report["plan"]) {
        const std::string action = change["action"].get<std::string>();
        const char* mark = action == "create" || action == "group.create"   ? "+"
                           : action == "update" || action == "group.update" ? "~"
                                                                            : "-";
        std::printf("%s %-12s %s  (%s)\n", mark, action.c_str(), text(change["name"]).c_str(),
                    text(change["dn"]).c_str());
        for (const auto& diff : change["diffs"]) {
            std::printf("      %s: \"%s\" -> \"%s\"\n", text(diff["field"]).c_str(),
                        text(diff["before"]).c_str(), text(diff["after"]).c_str());
        }
    }
    const long long total = number(report, "plannedTotal");
    if (static_cast<long long>(report["plan"].size()) < total) {
        std::printf("... and more: %lld changed entries in all\n", total);
    }
}

int printOutcome(const nlohmann::json& report) {
    const nlohmann::json& run = report["run"];
    const std::string status = text(run["status"]);
    std::printf("%s%s run %s (%s)", run["dryRun"].get<bool>() ? "dry " : "",
                run["full"].get<bool>() ? "full" : "incremental", status.c_str(),
                text(report["method"]).c_str());
    if (run.contains("durationSeconds"))
        std::printf(" in %.1f s", run["durationSeconds"].get<double>());
    std::printf("\n");
    printCounts(run["counts"]);
    if (!text(run["message"]).empty() && run["message"] != "") {
        std::printf("  %s\n", text(run["message"]).c_str());
    }
    for (const auto& error : report["errors"]) {
        std::printf("  refused %s: %s\n", text(error["dn"]).c_str(),
                    text(error["message"]).c_str());
    }
    if (status == "succeeded") return EXIT_SUCCESS;
    return status == "stopped" ? exitRunStopped : exitRunFailed;
}

// "[########------------] 4100/10000  37 changes  820/s  ETA 7s"
void drawProgress(const nlohmann::json& status) {
    const nlohmann::json& progress = status["progress"];
    const long long read = number(progress, "entriesRead");
    const long long expected = number(status, "expectedEntries");
    const double rate = progress.value("entriesPerSecond", 0.0);
    std::string bar;
    std::string eta = "ETA ?";
    if (expected > 0) {
        const int width = 24;
        const int done = static_cast<int>(std::min<long long>(width, read * width / expected));
        bar = "[" + std::string(done, '#') + std::string(width - done, '-') + "] ";
        if (rate > 0 && read < expected) {
            eta = "ETA " + std::to_string(static_cast<long long>((expected - read) / rate)) + "s";
        }
    }
    std::fprintf(stderr, "\r%s%lld%s entries  %lld/%lld changes  %.0f/s  %s   ", bar.c_str(), read,
                 expected > 0 ? ("/" + std::to_string(expected)).c_str() : "",
                 number(progress, "changesApplied"), number(progress, "changesPlanned"), rate,
                 eta.c_str());
    std::fflush(stderr);
}

int syncRun(const ApiClient& api, const Arguments& args) {
    const std::string name = args.positional(2, "sync run needs a SOURCE");
    const nlohmann::json request = {{"dryRun", args.flag("dry-run")},
                                    {"full", args.flag("full")},
                                    {"force", args.flag("force")}};
    const ApiResponse started = api.post(sourcePath(name) + "/run", request);
    if (args.flag("dry-run")) {
        printPlan(started.body);
        return printOutcome(started.body);
    }
    const bool showProgress = ::isatty(STDERR_FILENO) == 1;
    const auto deadline = std::chrono::steady_clock::now() + maxWait;
    nlohmann::json status = started.body;
    while (status.value("running", false) && std::chrono::steady_clock::now() < deadline) {
        if (showProgress && status.contains("progress")) drawProgress(status);
        std::this_thread::sleep_for(pollInterval);
        status = api.get(sourcePath(name)).body;
    }
    if (showProgress) std::fprintf(stderr, "\n");
    if (status.value("running", false)) {
        std::printf("still running in the daemon; see musterctl sync status %s\n", name.c_str());
        return EXIT_SUCCESS;
    }
    return printOutcome(status["lastReport"]);
}

int syncStatusOne(const ApiClient& api, const std::string& name) {
    const nlohmann::json status = api.get(sourcePath(name)).body;
    std::printf("%s (%s, tenant %s): %s, next run %s\n", text(status["name"]).c_str(),
                text(status["type"]).c_str(), text(status["tenant"]).c_str(),
                status["running"].get<bool>() ? "running" : "idle",
                text(status["nextRun"]).c_str());
    for (const auto& run : status["history"]) {
        std::printf("%-6lld %-25s %-10s %-11s %7.1f s  %s\n", number(run, "id"),
                    text(run["started"]).c_str(), text(run["status"]).c_str(),
                    run["full"].get<bool>() ? "full" : "incremental",
                    run.value("durationSeconds", 0.0), text(run["message"]).c_str());
        printCounts(run["counts"]);
    }
    return EXIT_SUCCESS;
}

int syncStatus(const ApiClient& api, const Arguments& args) {
    if (args.commandName(3).size() > std::string("sync status").size()) {
        return syncStatusOne(api, args.positional(2, "sync status [SOURCE]"));
    }
    const nlohmann::json list = api.get("/api/v1/sync/sources").body;
    std::printf("%-20s %-17s %-8s %-25s %-10s %9s %8s %8s %8s %6s %s\n", "SOURCE", "TYPE", "STATE",
                "LAST RUN", "STATUS", "DURATION", "CREATED", "UPDATED", "DEACT.", "ERRORS",
                "NEXT RUN");
    for (const auto& source : list["items"]) {
        const nlohmann::json last =
            source["history"].empty() ? nlohmann::json::object() : source["history"][0];
        const nlohmann::json counts = last.value("counts", nlohmann::json::object());
        std::printf("%-20s %-17s %-8s %-25s %-10s %8.1fs %8lld %8lld %8lld %6lld %s\n",
                    text(source["name"]).c_str(), text(source["type"]).c_str(),
                    source["running"].get<bool>() ? "running" : "idle",
                    text(last.value("started", nlohmann::json())).c_str(),
                    text(last.value("status", nlohmann::json())).c_str(),
                    last.value("durationSeconds", 0.0), number(counts, "created"),
                    number(counts, "updated"), number(counts, "deactivated"),
                    number(counts, "errors"), text(source["nextRun"]).c_str());
    }
    return EXIT_SUCCESS;
}

}  // namespace

void addSyncCommands(CommandTable& commands) {
    commands["sync run"] = syncRun;
    commands["sync status"] = syncStatus;
}

}  // namespace musterctl
