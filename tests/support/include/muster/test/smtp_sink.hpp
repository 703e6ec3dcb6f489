#pragma once

// A real SMTP server for tests: Debian's python3-aiosmtpd on 127.0.0.1 and a
// free port, storing every message it receives in a Maildir, so a test can
// read what musterd delivered. Stopped when the object goes away; the child
// also dies with the test process (PR_SET_PDEATHSIG).

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace muster::test {

class SmtpSink {
  public:
    // A python3 that can import aiosmtpd, or nullopt with the reason.
    static std::optional<std::string> findPython(std::string* whyNot);

    explicit SmtpSink(const std::string& python);
    ~SmtpSink();
    SmtpSink(const SmtpSink&) = delete;
    SmtpSink& operator=(const SmtpSink&) = delete;

    int port() const { return port_; }
    // Every message received so far (headers and body as sent), oldest first.
    std::vector<std::string> messages() const;
    // Waits (bounded) until at least `count` messages arrived; returns them all.
    std::vector<std::string> waitForMessages(std::size_t count, std::chrono::seconds timeout) const;

  private:
    void startOnFreePort(const std::string& python);

    std::string dir_;
    int port_ = 0;
    int pid_ = -1;
};

}  // namespace muster::test
