#pragma once

// Test harness: runs a real musterd as a child process on a free port of
// 127.0.0.1 and talks HTTP to it.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace muster::testing {

struct HttpResult {
    int status = 0;
    std::string reason;  // the status line's reason phrase
    std::map<std::string, std::string> headers;  // lower-cased names
    std::string body;

    std::string header(const std::string& lowerCaseName) const;
};

// Plain HTTP/1.1 client for tests (one connection per call).
HttpResult httpRequest(int port, const std::string& method, const std::string& pathAndQuery,
                       const std::string& body = {},
                       const std::map<std::string, std::string>& headers = {});

class DaemonProcess {
public:
    struct Options {
        std::string extraConfig;  // top-level YAML appended to the generated config
        std::string listenExtra;  // YAML lines under listen:, indented by two spaces
        std::string storeUrl;     // default: a SQLite file in the work directory
        std::map<std::string, std::string> environment;
        std::filesystem::path workDir;  // default: a fresh temp dir, removed afterwards
    };

    DaemonProcess();  // default options
    explicit DaemonProcess(Options options);
    ~DaemonProcess();
    DaemonProcess(const DaemonProcess&) = delete;
    DaemonProcess& operator=(const DaemonProcess&) = delete;

    int port() const { return port_; }
    const std::string& bootstrapToken() const { return bootstrapToken_; }
    const std::filesystem::path& workDir() const { return workDir_; }
    std::string output() const;  // everything written to stdout so far
    std::string errors() const;  // everything written to stderr so far

    // Request with the bootstrap token (or the given one) as bearer.
    HttpResult request(const std::string& method, const std::string& pathAndQuery,
                       const std::string& body = {}, const std::string& token = "use-bootstrap",
                       std::map<std::string, std::string> headers = {}) const;

    // Sends SIGTERM and waits; returns the exit status (-1 on timeout).
    int terminate(std::chrono::seconds timeout = std::chrono::seconds(40));
    pid_t pid() const { return pid_; }

    static std::filesystem::path daemonPath();
    static std::filesystem::path ctlPath();

private:
    void start(const Options& options);
    void waitUntilListening();

    std::filesystem::path workDir_;
    bool ownsWorkDir_ = false;
    int port_ = 0;
    pid_t pid_ = -1;
    std::string bootstrapToken_;
};

// Runs a program to completion; returns exit status and captured output.
struct ProgramResult {
    int exitCode = -1;
    std::string out;
    std::string err;
};
ProgramResult runProgram(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& environment = {},
                         std::chrono::seconds timeout = std::chrono::seconds(60));

int freePort();
std::filesystem::path makeTempDir(const std::string& prefix);
std::string readFile(const std::filesystem::path& path);
void writeFile(const std::filesystem::path& path, const std::string& text);

}  // namespace muster::testing
