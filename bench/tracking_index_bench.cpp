// In-process speed of the tracking index (SPEC U-7): decisions per second
// over N rules (default 10,000), without HTTP. Prints one line; bench/tracking
// puts it next to the HTTP figures.
//
// usage: muster_tracking_bench [RULES] [SECONDS]

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "muster/policies/tracking.hpp"

using muster::policies::IndexedRule;
using muster::policies::RuleSource;
using muster::policies::TrackingIndex;

int main(int argc, char** argv) {
    const long rules = argc > 1 ? std::atol(argv[1]) : 10000;
    const double seconds = argc > 2 ? std::atof(argv[2]) : 2.0;
    if (rules <= 0 || seconds <= 0 || seconds > 60) {
        std::fprintf(stderr, "usage: muster_tracking_bench [RULES > 0] [SECONDS in (0, 60]]\n");
        return 2;
    }
    // Half every-domain rules (UPN/email), half username + domain (device logins).
    std::vector<IndexedRule> stored;
    for (long i = 0; i < rules; ++i) {
        const std::string name = "tu" + std::to_string(i / 2);
        stored.push_back(
            i % 2 == 0 ? IndexedRule{i + 1, i, {name, "", RuleSource::upn}}
                       : IndexedRule{i + 1, i, {name + "-d", "BENCH", RuleSource::device_login}});
    }
    const TrackingIndex index(std::move(stored));

    // The same mix as bench/wrk/tracking.lua, prepared up front.
    std::vector<std::pair<std::string, std::string>> questions;
    for (long i = 0; i < 30000; ++i) {
        const std::string n = std::to_string((i * 7919) % (rules / 2 + 1));
        switch (i % 3) {
            case 0:
                questions.emplace_back("tu" + n, "ANYWHERE");
                break;
            case 1:
                questions.emplace_back("TU" + n + "-d", "bench");
                break;
            default:
                questions.emplace_back("someone" + n, "BENCH");
                break;
        }
    }

    long decisions = 0, blocked = 0;
    const auto start = std::chrono::steady_clock::now();
    const auto until = start + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < until) {
        for (const auto& [username, domain] : questions) {
            blocked += index.decide(username, domain).track ? 0 : 1;
        }
        decisions += static_cast<long>(questions.size());
    }
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%ld rules: %.0f decisions/s in process (%ld decisions, %.0f%% not tracked)\n",
                rules, decisions / elapsed, decisions, 100.0 * blocked / decisions);
    return 0;
}
