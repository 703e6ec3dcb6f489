#include "muster/test/smtp_sink.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "muster/test/net.hpp"

namespace muster::test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

bool accepts(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<uint16_t>(port));
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return ok;
}

bool exited(int pid) {
    int status = 0;
    return ::waitpid(pid, &status, WNOHANG) == pid;
}

}  // namespace

std::optional<std::string> SmtpSink::findPython(std::string* whyNot) {
    // Debian's package installs for the system python; a python earlier on
    // PATH (pyenv, a venv) may not see it.
    for (const char* candidate : {"/usr/bin/python3", "python3"}) {
        const std::string command =
            std::string(candidate) + " -c 'import aiosmtpd' >/dev/null 2>&1";
        if (std::system(command.c_str()) == 0) return std::string(candidate);
    }
    if (whyNot != nullptr) *whyNot = "python3 with aiosmtpd (Debian: python3-aiosmtpd) not found";
    return std::nullopt;
}

SmtpSink::SmtpSink(const std::string& python) {
    std::string pattern = (fs::temp_directory_path() / "muster-smtp-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    for (int attempt = 0; attempt < 5; ++attempt) {
        startOnFreePort(python);
        if (pid_ > 0) return;
    }
    throw std::runtime_error("aiosmtpd did not start (see " + dir_ + "/sink.log)");
}

void SmtpSink::startOnFreePort(const std::string& python) {
    port_ = freeTcpPort();
    const std::string listen = "127.0.0.1:" + std::to_string(port_);
    const std::string maildir = dir_ + "/maildir";
    const std::string log = dir_ + "/sink.log";
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent) ::_exit(1);
        std::FILE* out = std::fopen(log.c_str(), "a");
        if (out != nullptr) {
            ::dup2(::fileno(out), STDOUT_FILENO);
            ::dup2(::fileno(out), STDERR_FILENO);
        }
        ::execlp(python.c_str(), python.c_str(), "-m", "aiosmtpd", "-n", "-l", listen.c_str(), "-c",
                 "aiosmtpd.handlers.Mailbox", maildir.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < deadline) {
        if (accepts(port_)) {
            pid_ = pid;
            return;
        }
        if (exited(pid)) return;  // the port was taken: try another
        std::this_thread::sleep_for(50ms);
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
}

SmtpSink::~SmtpSink() {
    if (pid_ > 0) {
        ::kill(pid_, SIGTERM);
        for (int i = 0; i < 100 && !exited(pid_); ++i) std::this_thread::sleep_for(20ms);
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, WNOHANG);
    }
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
}

std::vector<std::string> SmtpSink::messages() const {
    std::vector<fs::path> files;
    for (const char* sub : {"new", "cur"}) {
        const fs::path folder = fs::path(dir_) / "maildir" / sub;
        std::error_code error;
        for (const auto& entry : fs::directory_iterator(folder, error)) {
            if (entry.is_regular_file()) files.push_back(entry.path());
        }
    }
    // Maildir names start with the delivery time.
    std::sort(files.begin(), files.end(),
              [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
    std::vector<std::string> out;
    for (const fs::path& file : files) {
        std::ifstream in(file, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        out.push_back(text.str());
    }
    return out;
}

std::vector<std::string> SmtpSink::waitForMessages(std::size_t count,
                                                   std::chrono::seconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::vector<std::string> found = messages();
    while (found.size() < count && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(50ms);
        found = messages();
    }
    return found;
}

}  // namespace muster::test
