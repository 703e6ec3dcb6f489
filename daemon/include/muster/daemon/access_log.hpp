#pragma once

#include <mutex>
#include <ostream>
#include <string>

namespace muster::daemon {

struct AccessLogEntry {
    std::string method;
    std::string path;
    std::string route;
    int status = 0;
    double durationMs = 0;
    std::size_t responseBytes = 0;
    std::string remoteAddress;
    std::string tenant;
    std::string actor;
};

// One JSON object per line. Never logs headers, query strings or bodies:
// they carry tokens, filters with personal data, and passwords.
class AccessLog {
public:
    AccessLog(std::ostream& out, bool enabled) : out_(out), enabled_(enabled) {}
    void write(const AccessLogEntry& entry);

private:
    std::mutex mutex_;
    std::ostream& out_;
    bool enabled_;
};

}  // namespace muster::daemon
