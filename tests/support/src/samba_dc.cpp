#include "muster/test/samba_dc.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "muster/test/cleanup_watchdog.hpp"

namespace fs = std::filesystem;

namespace muster::test {

namespace {

constexpr int startTimeoutMs = 60'000;

void writeFile(const std::string& path, const std::string& text) {
    std::ofstream out(path);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + path);
}

std::string readFile(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

bool SambaDc::available(std::string* whyNot) {
    for (const char* tool : {"/usr/sbin/samba", "/usr/bin/samba-tool", "/usr/bin/ldapmodify"}) {
        if (!fs::exists(tool)) {
            if (whyNot != nullptr) *whyNot = std::string(tool) + " is not installed";
            return false;
        }
    }
    if (!fs::exists("/usr/share/samba/setup/ad-schema")) {
        if (whyNot != nullptr) *whyNot = "samba-ad-provision is not installed";
        return false;
    }
    return true;
}

SambaDc::SambaDc() {
    if (waitForTcpPort("127.0.0.1", 389, 50)) {
        throw std::runtime_error(
            "127.0.0.1:389 is taken; Samba's LDAP port is fixed, so run the AD tests in a "
            "private network namespace (tests/support/run-in-netns)");
    }
    char pattern[] = "/tmp/muster-samba-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    fs::create_directories(dir_ + "/run");
    // samba runs in its own process group; the watchdog kills all of it.
    watchdog_ = std::make_unique<CleanupWatchdog>(
        "test -f " + shellQuoted(dir_ + "/samba.pgid") + " && kill -9 -$(cat " +
        shellQuoted(dir_ + "/samba.pgid") + "); sleep 0.2; rm -rf " + shellQuoted(dir_));
    provision();
    launch();
}

SambaDc::~SambaDc() {
    if (pid_ > 0) {
        ::kill(-static_cast<pid_t>(pid_), SIGTERM);
        for (int i = 0; i < 300; ++i) {
            int status = 0;
            if (::waitpid(static_cast<pid_t>(pid_), &status, WNOHANG) != 0) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        ::kill(-static_cast<pid_t>(pid_), SIGKILL);
        ::waitpid(static_cast<pid_t>(pid_), nullptr, WNOHANG);
    }
}

void SambaDc::provision() {
    const std::string& d = dir_;
    std::string options;
    // Everything the DC writes stays in its directory, so two DCs (in two
    // network namespaces) never share a socket or pid file.
    for (const std::string& option : std::vector<std::string>{
             "interfaces=lo", "bind interfaces only=yes", "pid directory=" + d + "/run",
             "ncalrpc dir=" + d + "/run/ncalrpc",
             "winbindd socket directory=" + d + "/run/winbindd",
             "ntp signd socket directory=" + d + "/run/ntp_signd", "log file=" + d + "/log.%m",
             // LDAP is all the tests need; the other services only slow the start.
             "server services=ldap"}) {
        options += " --option=" + shellQuoted(option);
    }
    runCommand("samba-tool domain provision --targetdir=" + shellQuoted(d) +
               " --realm=EXAMPLE.TEST --domain=EXAMPLE --adminpass=" + shellQuoted(password_) +
               " --server-role=dc --dns-backend=NONE --use-rfc2307" + options + " > " +
               shellQuoted(d + "/provision.log"));
    // Simple binds over plain LDAP for the tests (provision does not keep
    // this option, so it goes into the file afterwards).
    const std::string conf = d + "/etc/smb.conf";
    std::string text = readFile(conf);
    const auto global = text.find("[global]");
    if (global == std::string::npos) throw std::runtime_error("no [global] in " + conf);
    text.insert(global + 8, "\n\tldap server require strong auth = no");
    writeFile(conf, text);
}

void SambaDc::launch() {
    const std::string conf = dir_ + "/etc/smb.conf";
    const std::string log = dir_ + "/samba.log";
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::setpgid(0, 0);
        const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(out, 1);
        ::dup2(out, 2);
        const int in = ::open("/dev/null", O_RDONLY);
        ::dup2(in, 0);
        ::execl("/usr/sbin/samba", "samba", "-s", conf.c_str(), "-i", "--debug-stdout",
                static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::setpgid(pid, pid);
    pid_ = pid;
    writeFile(dir_ + "/samba.pgid", std::to_string(pid));
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(startTimeoutMs);
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid) {
            pid_ = 0;
            throw std::runtime_error("samba exited during start-up:\n" + readFile(log));
        }
        if (waitForTcpPort("127.0.0.1", 389, 50)) {
            // The port opens a moment before binds are served.
            for (int attempt = 0; attempt < 100; ++attempt) {
                try {
                    search(baseDn(), "(objectClass=domain)", "dn");
                    return;
                } catch (const std::runtime_error&) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(100));
                }
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error("samba did not serve LDAP within 60 s:\n" + readFile(log));
}

void SambaDc::modify(const std::string& ldif, bool addOnly) {
    const std::string path = dir_ + "/change.ldif";
    writeFile(path, ldif);
    runCommand(std::string("ldapmodify -x") + (addOnly ? " -a" : "") + " -H " + shellQuoted(url()) +
               " -D " + shellQuoted(bindDn()) + " -w " + shellQuoted(password_) + " -f " +
               shellQuoted(path));
}

std::string SambaDc::tool(const std::string& arguments) {
    return runCommand("samba-tool " + arguments + " -H " + shellQuoted(dir_ + "/private/sam.ldb") +
                      " --configfile=" + shellQuoted(dir_ + "/etc/smb.conf"));
}

std::string SambaDc::search(const std::string& base, const std::string& filter,
                            const std::string& attributes, bool showDeleted) {
    return runCommand("ldapsearch -LLL -o ldif-wrap=no -x -H " + shellQuoted(url()) + " -D " +
                      shellQuoted(bindDn()) + " -w " + shellQuoted(password_) +
                      (showDeleted ? " -E '!1.2.840.113556.1.4.417'" : "") + " -b " +
                      shellQuoted(base) + " " + shellQuoted(filter) + " " + attributes);
}

SambaDc* sharedSambaDc(std::string* whyMissing) {
    std::string whyNot;
    static const bool installed = SambaDc::available(&whyNot);
    static const std::string reason = whyNot;
    if (!installed) {
        if (whyMissing != nullptr) *whyMissing = reason;
        return nullptr;
    }
    static const std::unique_ptr<SambaDc> dc = std::make_unique<SambaDc>();
    return dc.get();
}

}  // namespace muster::test
