// Directory sync benchmark (SPEC D-1, D-6): N users and G groups loaded into
// a throwaway slapd, then, in the same run:
//   - a plain paged ldapsearch dump of the same entries (the baseline),
//   - a first full sync into an empty SQLite store (every user created),
//   - a second full sync with nothing changed,
//   - an incremental (syncrepl) sync after 100 changes,
// with entries/s, ratios to the dump and the peak RSS of this process.
//
// usage: muster_ldap_sync_bench [USERS] [GROUPS]   (defaults 100000, 1000)

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "muster/store/sql_store.hpp"
#include "muster/sync/sync_engine.hpp"
#include "muster/test/cleanup_watchdog.hpp"
#include "muster/test/slapd_server.hpp"

namespace {

using namespace muster;
using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

long peakRssMb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024;
}

void writeData(const std::string& path, const test::SlapdServer& slapd, int users, int groups) {
    std::ofstream out(path);
    for (int i = 0; i < users; ++i) {
        const std::string uid = "u" + std::to_string(i);
        out << "dn: uid=" << uid << "," << slapd.peopleDn()
            << "\nobjectClass: inetOrgPerson\nuid: " << uid << "\ncn: Person " << i
            << "\ngivenName: Person\nsn: Number" << i << "\nmail: " << uid
            << "@bench.example\ntitle: Title " << (i % 50) << "\ndepartmentNumber: D" << (i % 20)
            << "\n";
        // Everyone but the first 100 has a manager among them.
        if (i >= 100) out << "manager: uid=u" << (i % 100) << "," << slapd.peopleDn() << "\n";
        out << "\n";
    }
    const int perGroup = groups > 0 ? std::max(1, users / groups) : 0;
    for (int g = 0; g < groups; ++g) {
        out << "dn: cn=group" << g << "," << slapd.groupsDn()
            << "\nobjectClass: groupOfNames\ncn: group" << g << "\n";
        for (int m = 0; m < perGroup; ++m) {
            out << "member: uid=u" << (g * perGroup + m) % users << "," << slapd.peopleDn() << "\n";
        }
        out << "\n";
    }
}

double dumpSeconds(const test::SlapdServer& slapd) {
    const auto start = Clock::now();
    for (const std::string& base : {slapd.peopleDn(), slapd.groupsDn()}) {
        test::runCommand("ldapsearch -x -LLL -H " + slapd.url() + " -D " +
                         test::shellQuoted(slapd.rootDn()) + " -w " +
                         test::shellQuoted(slapd.rootPassword()) + " -E pr=500/noprompt -b " +
                         test::shellQuoted(base) + " '(objectClass=*)' > /dev/null");
    }
    return secondsSince(start);
}

struct Timed {
    sync::SyncReport report;
    double seconds = 0;
};

Timed timedRun(Store& store, const config::SyncSourceConfig& source, Id tenantId, bool full) {
    sync::SyncEngine engine(store, source, tenantId);
    sync::RunOptions options;
    options.full = full;
    double readSeconds = 0;
    options.progress = [&](const sync::SyncProgress& progress) {
        if (progress.phase == "reading") readSeconds = progress.elapsedSeconds;
    };
    const auto start = Clock::now();
    Timed timed{engine.run(options), 0};
    if (std::getenv("MUSTER_BENCH_PHASES") != nullptr) {
        std::fprintf(stderr, "  run: last progress while reading at %.2f s\n", readSeconds);
    }
    timed.seconds = secondsSince(start);
    if (timed.report.run.status != SyncRunStatus::succeeded) {
        throw std::runtime_error("sync run " + std::string(toString(timed.report.run.status)) +
                                 ": " + timed.report.run.message);
    }
    return timed;
}

void row(const std::string& what, const std::string& value, const std::string& baseline,
         const std::string& ratio, const std::string& target) {
    std::printf("%-52s %12s %12s %8s  %s\n", what.c_str(), value.c_str(), baseline.c_str(),
                ratio.c_str(), target.c_str());
}

std::string fixed(double value, int decimals = 2) {
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

}  // namespace

int main(int argc, char** argv) {
    const int users = argc > 1 ? std::atoi(argv[1]) : 100000;
    const int groups = argc > 2 ? std::atoi(argv[2]) : 1000;
    try {
        test::SlapdOptions options;
        options.tls = false;
        test::SlapdServer slapd(options);
        const std::string ldif = slapd.dir() + "/bench.ldif";
        std::cerr << "ldap-sync bench: loading " << users << " users and " << groups
                  << " groups into slapd ...\n";
        writeData(ldif, slapd, users, groups);
        slapd.loadOffline(ldif);
        std::filesystem::remove(ldif);

        const std::filesystem::path dir = std::filesystem::path(slapd.dir()) / "store";
        std::filesystem::create_directories(dir);
        auto store = store::openStore({"sqlite://" + (dir / "muster.db").string(), 4, 5000});
        store->migrate();
        Id tenantId = 0;
        {
            auto tx = store->beginWrite();
            tenantId = tx->tenants().create("default").id;
            tx->commit();
        }
        config::SyncSourceConfig source;
        source.name = "bench";
        source.url = slapd.url();
        source.bindDn = slapd.rootDn();
        source.bindPassword = slapd.rootPassword();
        source.users.baseDns = {slapd.peopleDn()};
        source.groups.baseDns = {slapd.groupsDn()};
        source.fullSyncIntervalSeconds = 0;
        source.timeoutSeconds = 300;

        const double dump = dumpSeconds(slapd);
        std::cerr << "ldap-sync bench: first full sync ...\n";
        const Timed first = timedRun(*store, source, tenantId, true);
        const long rssAfterFirst = peakRssMb();
        Timed second = timedRun(*store, source, tenantId, true);
        // MUSTER_BENCH_REPEAT=n: n more unchanged full syncs (for profiling); the fastest counts.
        const char* repeat = std::getenv("MUSTER_BENCH_REPEAT");
        for (int i = 0; repeat != nullptr && i < std::atoi(repeat); ++i) {
            Timed again = timedRun(*store, source, tenantId, true);
            if (again.seconds < second.seconds) second = std::move(again);
        }
        const double dumpAgain = dumpSeconds(slapd);
        const double baseline = std::min(dump, dumpAgain);

        std::string changes;
        for (int i = 0; i < 100; ++i) {
            changes += "dn: uid=u" + std::to_string(i * (users / 100)) + "," + slapd.peopleDn() +
                       "\nchangetype: modify\nreplace: title\ntitle: Changed\n\n";
        }
        slapd.modify(changes);
        const Timed incremental = timedRun(*store, source, tenantId, false);

        const double entries = static_cast<double>(users + groups);
        std::printf("Directory sync, %d users + %d groups in slapd (SQLite store)\n", users,
                    groups);
        row("paged ldapsearch dump (s)", fixed(baseline), "", "", "baseline");
        row("full sync, empty store (s)", fixed(first.seconds), fixed(baseline),
            fixed(first.seconds / baseline), "(creates every user; see docs)");
        row("full sync, empty store (entries/s)", fixed(entries / first.seconds, 0), "", "", "");
        row("full sync, nothing changed (s)", fixed(second.seconds), fixed(baseline),
            fixed(second.seconds / baseline), "<= 2.00");
        row("full sync, nothing changed (entries/s)", fixed(entries / second.seconds, 0), "", "",
            "");
        row("incremental sync of 100 changes (s, " + incremental.report.method + ")",
            fixed(incremental.seconds), "1.00", fixed(incremental.seconds / 1.0), "<= 1.00");
        row("peak RSS during full syncs (MB)", std::to_string(std::max(rssAfterFirst, peakRssMb())),
            "300", fixed(static_cast<double>(std::max(rssAfterFirst, peakRssMb())) / 300.0),
            "<= 1.00");
        const SyncRunCounts& c = first.report.run.counts;
        std::printf(
            "first run: created %lld, groups %lld; second: unchanged %lld; incremental: "
            "updated %lld, read %lld\n",
            static_cast<long long>(c.created), static_cast<long long>(c.groupsCreated),
            static_cast<long long>(second.report.run.counts.unchanged),
            static_cast<long long>(incremental.report.run.counts.updated),
            static_cast<long long>(incremental.report.run.counts.entriesRead));
        if (incremental.report.run.counts.updated != 100 || c.created != users) {
            std::cerr << "ldap-sync bench: unexpected counts\n";
            return 1;
        }
    } catch (const std::exception& error) {
        std::cerr << "ldap-sync bench: " << error.what() << "\n";
        return 1;
    }
    return 0;
}
