#include "muster/daemon/metrics.hpp"

#include <sstream>

namespace muster::daemon {

void Metrics::observeRequest(const std::string& route, const std::string& method, int status,
                             double seconds) {
    std::lock_guard lock(mutex_);
    ++requests_[{route, method, status}];
    Histogram& histogram = latency_[route];
    for (std::size_t i = 0; i < latencyBuckets.size(); ++i) {
        if (seconds <= latencyBuckets[i]) ++histogram.buckets[i];
    }
    ++histogram.count;
    histogram.sum += seconds;
}

std::string Metrics::render(const StorePoolStats& pool, std::int64_t inFlight) const {
    std::ostringstream out;
    std::lock_guard lock(mutex_);
    out << "# HELP muster_http_requests_total HTTP requests by route, method and status.\n"
        << "# TYPE muster_http_requests_total counter\n";
    for (const auto& [key, count] : requests_) {
        const auto& [route, method, status] = key;
        out << "muster_http_requests_total{route=\"" << route << "\",method=\"" << method
            << "\",status=\"" << status << "\"} " << count << '\n';
    }
    out << "# HELP muster_http_request_duration_seconds HTTP request latency by route.\n"
        << "# TYPE muster_http_request_duration_seconds histogram\n";
    for (const auto& [route, histogram] : latency_) {
        const std::string label = "route=\"" + route + "\"";
        for (std::size_t i = 0; i < latencyBuckets.size(); ++i) {
            out << "muster_http_request_duration_seconds_bucket{" << label << ",le=\""
                << latencyBuckets[i] << "\"} " << histogram.buckets[i] << '\n';
        }
        out << "muster_http_request_duration_seconds_bucket{" << label << ",le=\"+Inf\"} "
            << histogram.count << '\n'
            << "muster_http_request_duration_seconds_sum{" << label << "} " << histogram.sum
            << '\n'
            << "muster_http_request_duration_seconds_count{" << label << "} " << histogram.count
            << '\n';
    }
    out << "# HELP muster_http_requests_in_flight Requests being handled now.\n"
        << "# TYPE muster_http_requests_in_flight gauge\n"
        << "muster_http_requests_in_flight " << inFlight << '\n'
        << "# HELP muster_store_pool_size Connections in the store pool.\n"
        << "# TYPE muster_store_pool_size gauge\n"
        << "muster_store_pool_size " << pool.size << '\n'
        << "# HELP muster_store_pool_in_use Store connections leased now.\n"
        << "# TYPE muster_store_pool_in_use gauge\n"
        << "muster_store_pool_in_use " << pool.inUse << '\n';
    return out.str();
}

}  // namespace muster::daemon
