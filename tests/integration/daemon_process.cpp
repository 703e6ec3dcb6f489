#include "daemon_process.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace muster::testing {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string HttpResult::header(const std::string& lowerCaseName) const {
    auto found = headers.find(lowerCaseName);
    return found == headers.end() ? std::string() : found->second;
}

HttpResult httpRequest(int port, const std::string& method, const std::string& pathAndQuery,
                       const std::string& body, const std::map<std::string, std::string>& headers) {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
    session.setTimeout(Poco::Timespan(30, 0));
    Poco::Net::HTTPRequest request(method, pathAndQuery, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [name, value] : headers) request.set(name, value);
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
        request.setContentLength64(static_cast<Poco::Int64>(body.size()));
    }
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    HttpResult result;
    result.status = response.getStatus();
    result.reason = response.getReason();
    for (const auto& [name, value] : response) {
        std::string lower = name;
        std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
        result.headers[lower] = value;
    }
    Poco::StreamCopier::copyToString(in, result.body);
    return result;
}

int freePort() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof address;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        ::close(fd);
        throw std::runtime_error("cannot find a free port");
    }
    ::close(fd);
    return ntohs(address.sin_port);
}

fs::path makeTempDir(const std::string& prefix) {
    std::string pattern = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    return pattern;
}

std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void writeFile(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

namespace {

pid_t spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
            const fs::path& outFile, const fs::path& errFile, const fs::path& workDir) {
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        int out = ::open(outFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int err = ::open(errFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(out, STDOUT_FILENO);
        ::dup2(err, STDERR_FILENO);
        if (!workDir.empty() && ::chdir(workDir.c_str()) != 0) ::_exit(126);
        for (const auto& [name, value] : env) ::setenv(name.c_str(), value.c_str(), 1);
        std::vector<char*> args;
        for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
        args.push_back(nullptr);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    return pid;
}

// Waits for the child; -1 when it is still running at the deadline.
int waitForExit(pid_t pid, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        int status = 0;
        pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) {
            if (WIFEXITED(status)) return WEXITSTATUS(status);
            return 128 + WTERMSIG(status);
        }
        if (std::chrono::steady_clock::now() >= deadline) return -1;
        std::this_thread::sleep_for(10ms);
    }
}

}  // namespace

ProgramResult runProgram(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& environment,
                         std::chrono::seconds timeout) {
    const fs::path dir = makeTempDir("muster-run");
    pid_t pid = spawn(argv, environment, dir / "out", dir / "err", {});
    ProgramResult result;
    result.exitCode = waitForExit(pid, timeout);
    if (result.exitCode == -1) {
        ::kill(pid, SIGKILL);
        waitForExit(pid, 5s);
    }
    result.out = readFile(dir / "out");
    result.err = readFile(dir / "err");
    fs::remove_all(dir);
    return result;
}

fs::path DaemonProcess::daemonPath() { return MUSTER_DAEMON_PATH; }
fs::path DaemonProcess::ctlPath() { return MUSTER_CTL_PATH; }

DaemonProcess::DaemonProcess() : DaemonProcess(Options{}) {}

DaemonProcess::DaemonProcess(Options options) { start(options); }

void DaemonProcess::start(const Options& options) {
    workDir_ = options.workDir;
    if (workDir_.empty()) {
        workDir_ = makeTempDir("musterd");
        ownsWorkDir_ = true;
    }
    port_ = freePort();
    const std::string storeUrl =
        options.storeUrl.empty() ? "sqlite://" + (workDir_ / "muster.db").string() : options.storeUrl;
    writeFile(workDir_ / "muster.yaml", "listen:\n  address: 127.0.0.1\n  port: " +
                                            std::to_string(port_) + "\n  threads: 8\n" +
                                            options.listenExtra + "store:\n  url: " +
                                            storeUrl + "\n" + options.extraConfig);
    // A restart in the same directory must not read the previous run's output
    // before the child has truncated it.
    fs::remove(workDir_ / "stdout.log");
    fs::remove(workDir_ / "stderr.log");
    pid_ = spawn({daemonPath().string(), "--config", (workDir_ / "muster.yaml").string()},
                 options.environment, workDir_ / "stdout.log", workDir_ / "stderr.log", workDir_);
    waitUntilListening();
    const std::string out = output();
    const std::string marker = "bootstrap admin token: ";
    if (auto at = out.find(marker); at != std::string::npos) {
        auto end = out.find('\n', at);
        bootstrapToken_ = out.substr(at + marker.size(), end - at - marker.size());
    }
}

void DaemonProcess::waitUntilListening() {
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < deadline) {
        if (output().find("listening on http://") != std::string::npos) return;
        if (waitForExit(pid_, 0ms) != -1) {
            pid_ = -1;
            throw std::runtime_error("musterd exited at start-up: " + errors());
        }
        std::this_thread::sleep_for(20ms);
    }
    throw std::runtime_error("musterd did not start listening within 30 s: " + errors());
}

DaemonProcess::~DaemonProcess() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        waitForExit(pid_, 5s);
    }
    if (ownsWorkDir_) {
        std::error_code ignored;
        fs::remove_all(workDir_, ignored);
    }
}

std::string DaemonProcess::output() const { return readFile(workDir_ / "stdout.log"); }
std::string DaemonProcess::errors() const { return readFile(workDir_ / "stderr.log"); }

HttpResult DaemonProcess::request(const std::string& method, const std::string& pathAndQuery,
                                  const std::string& body, const std::string& token,
                                  std::map<std::string, std::string> headers) const {
    const std::string bearer = token == "use-bootstrap" ? bootstrapToken_ : token;
    if (!bearer.empty()) headers["Authorization"] = "Bearer " + bearer;
    if (!body.empty() && !headers.count("Content-Type")) headers["Content-Type"] = "application/json";
    return httpRequest(port_, method, pathAndQuery, body, headers);
}

int DaemonProcess::terminate(std::chrono::seconds timeout) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    int status = waitForExit(pid_, timeout);
    if (status != -1) pid_ = -1;
    return status;
}

}  // namespace muster::testing
