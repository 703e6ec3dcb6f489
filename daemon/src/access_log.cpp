#include "muster/daemon/access_log.hpp"

#include <nlohmann/json.hpp>

#include "muster/core/model.hpp"

namespace muster::daemon {

void AccessLog::write(const AccessLogEntry& entry) {
    if (!enabled_) return;
    nlohmann::json line = {
        {"time", formatTimestamp(nowMillis())},
        {"method", entry.method},
        {"path", entry.path},
        {"route", entry.route},
        {"status", entry.status},
        {"duration_ms", entry.durationMs},
        {"bytes", entry.responseBytes},
        {"remote", entry.remoteAddress},
    };
    if (!entry.tenant.empty()) line["tenant"] = entry.tenant;
    if (!entry.actor.empty()) line["actor"] = entry.actor;
    // Invalid UTF-8 in a path must not make logging throw.
    const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::lock_guard lock(mutex_);
    out_ << text << '\n';
    out_.flush();
}

}  // namespace muster::daemon
