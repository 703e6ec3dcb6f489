#pragma once

// Runs a cleanup shell command when this object goes away or when the test
// process dies in any way (crash, abort, SIGKILL), so throwaway servers never
// outlive a test run. A child process waits for EOF on a pipe whose write end
// only we hold; the kernel closes it for us however we exit.

#include <sys/types.h>

#include <string>

namespace muster::test {

class CleanupWatchdog {
  public:
    explicit CleanupWatchdog(const std::string& cleanupCommand);
    ~CleanupWatchdog();  // runs the cleanup and waits for it
    CleanupWatchdog(const CleanupWatchdog&) = delete;
    CleanupWatchdog& operator=(const CleanupWatchdog&) = delete;

  private:
    pid_t pid_ = -1;
    int writeEnd_ = -1;
};

// Runs a shell command; returns its output (stdout and stderr), throws
// std::runtime_error with the output when it exits non-zero.
std::string runCommand(const std::string& command);

std::string shellQuoted(const std::string& text);

// Waits up to `timeoutMs` until something accepts TCP connections on
// host:port; false on timeout.
bool waitForTcpPort(const std::string& host, int port, int timeoutMs);

}  // namespace muster::test
