#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "muster/core/store.hpp"

namespace muster::daemon {

// Request counters and latency histograms, rendered in the Prometheus text
// exposition format. Labelled by route pattern (not raw path) so the number
// of series stays bounded.
class Metrics {
public:
    static constexpr std::array<double, 12> latencyBuckets = {
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5};

    void observeRequest(const std::string& route, const std::string& method, int status,
                        double seconds);
    std::string render(const StorePoolStats& pool, std::int64_t inFlight) const;

private:
    struct Histogram {
        std::array<std::uint64_t, latencyBuckets.size()> buckets{};
        std::uint64_t count = 0;
        double sum = 0;
    };
    mutable std::mutex mutex_;
    std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
    std::map<std::string, Histogram> latency_;
};

}  // namespace muster::daemon
