#include "muster/test/slapd_server.hpp"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "muster/test/cleanup_watchdog.hpp"
#include "muster/test/net.hpp"

namespace fs = std::filesystem;

namespace muster::test {

namespace {

constexpr const char* slapdPath = "/usr/sbin/slapd";
constexpr int startTimeoutMs = 15'000;

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

bool processAlive(long pid) { return pid > 0 && ::kill(static_cast<pid_t>(pid), 0) == 0; }

// The first RDN value of a suffix: "example" of "dc=example,dc=com".
std::string firstRdnValue(const std::string& dn) {
    const auto equals = dn.find('=');
    const auto comma = dn.find(',');
    return dn.substr(equals + 1,
                     comma == std::string::npos ? std::string::npos : comma - equals - 1);
}

}  // namespace

bool SlapdServer::available(std::string* whyNot) {
    for (const char* tool : {slapdPath, "/usr/sbin/slapadd", "/usr/bin/ldapmodify",
                             "/usr/sbin/slappasswd", "/usr/bin/openssl"}) {
        if (!fs::exists(tool)) {
            if (whyNot != nullptr) *whyNot = std::string(tool) + " is not installed";
            return false;
        }
    }
    if (!fs::exists("/usr/lib/ldap/back_mdb.so") && !fs::exists("/usr/lib/ldap/back_mdb.la")) {
        if (whyNot != nullptr) *whyNot = "slapd's back_mdb module is missing";
        return false;
    }
    return true;
}

SlapdServer::SlapdServer(SlapdOptions options) : options_(std::move(options)) {
    char pattern[] = "/tmp/muster-slapd-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    fs::create_directories(dir_ + "/db");
    // From here on the watchdog stops the server and removes the directory.
    watchdog_ = std::make_unique<CleanupWatchdog>(
        "test -f " + shellQuoted(dir_ + "/slapd.pid") + " && kill -9 $(cat " +
        shellQuoted(dir_ + "/slapd.pid") + "); rm -rf " + shellQuoted(dir_));
    if (options_.tls) makeCertificates();
    port_ = freeTcpPort();
    tlsPort_ = freeTcpPort();
    writeConfig();
    // The suffix and the two organisational units every test uses.
    writeFile(dir_ + "/base.ldif",
              "dn: " + options_.suffix + "\nobjectClass: dcObject\nobjectClass: organization\n" +
                  "o: Example\ndc: " + firstRdnValue(options_.suffix) + "\n\n" +
                  "dn: " + peopleDn() + "\nobjectClass: organizationalUnit\nou: people\n\n" +
                  "dn: " + groupsDn() + "\nobjectClass: organizationalUnit\nou: groups\n\n" +
                  "dn: " + readerDn() + "\nobjectClass: person\ncn: reader\nsn: reader\n" +
                  "userPassword: " + password_ + "\n");
    runCommand("/usr/sbin/slapadd -q -w -f " + shellQuoted(dir_ + "/slapd.conf") + " -l " +
               shellQuoted(dir_ + "/base.ldif"));
    std::string lastError;
    for (int attempt = 0; attempt < 3; ++attempt) {
        try {
            launch();
            return;
        } catch (const std::runtime_error& error) {
            // Most likely another process took a port between freeTcpPort() and bind.
            lastError = error.what();
            port_ = freeTcpPort();
            tlsPort_ = freeTcpPort();
        }
    }
    throw std::runtime_error("slapd did not start: " + lastError);
}

SlapdServer::~SlapdServer() {
    // The data is thrown away, so there is nothing to shut down cleanly for.
    if (pid_ > 0) ::kill(static_cast<pid_t>(pid_), SIGKILL);
}

std::string SlapdServer::url() const { return "ldap://127.0.0.1:" + std::to_string(port_); }

std::string SlapdServer::ldapsUrl() const {
    return "ldaps://127.0.0.1:" + std::to_string(tlsPort_);
}

void SlapdServer::makeCertificates() {
    const std::string d = shellQuoted(dir_);
    // EC keys: generated in milliseconds, unlike RSA.
    const std::string key = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    runCommand(
        "cd " + d + " && openssl req -x509" + key +
        " -keyout ca.key -out ca.crt -days 2 -subj '/CN=Muster Test CA'" + " && openssl req -x509" +
        key + " -keyout other-ca.key -out other-ca.crt -days 2 -subj '/CN=Some Other CA'" +
        " && openssl req" + key + " -keyout server.key -out server.csr -subj '/CN=127.0.0.1'" +
        " && printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\n' > san.ext" +
        " && openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial" +
        " -days 2 -extfile san.ext -out server.crt");
}

void SlapdServer::writeConfig() {
    std::string rootPasswordHash = runCommand("/usr/sbin/slappasswd -s " + shellQuoted(password_));
    while (!rootPasswordHash.empty() &&
           std::isspace(static_cast<unsigned char>(rootPasswordHash.back()))) {
        rootPasswordHash.pop_back();
    }
    std::ostringstream conf;
    conf << "include /etc/ldap/schema/core.schema\n"
         << "include /etc/ldap/schema/cosine.schema\n"
         << "include /etc/ldap/schema/inetorgperson.schema\n"
         << "include /etc/ldap/schema/nis.schema\n"
         << "modulepath /usr/lib/ldap\n"
         << "moduleload back_mdb\n";
    if (options_.syncprov) conf << "moduleload syncprov\n";
    conf << "moduleload memberof\n"
         << "pidfile " << dir_ << "/slapd.pid\n"
         << "sizelimit unlimited\n";
    if (options_.tls) {
        conf << "TLSCACertificateFile " << dir_ << "/ca.crt\n"
             << "TLSCertificateFile " << dir_ << "/server.crt\n"
             << "TLSCertificateKeyFile " << dir_ << "/server.key\n";
    }
    conf << "database mdb\n"
         << "maxsize 4294967296\n"
         << "suffix \"" << options_.suffix << "\"\n"
         << "rootdn \"" << rootDn() << "\"\n"
         << "rootpw " << rootPasswordHash << "\n"
         << "directory " << dir_ << "/db\n"
         << "index objectClass,entryCSN,entryUUID,uid eq\n"
         << "dbnosync\n"
         // Everyone but the root DN gets at most 10 entries per search unless
         // it pages (RFC 2696), so a test can tell paging really happened.
         << "limits users size.soft=10 size.hard=10 size.pr=10 size.prtotal=unlimited\n"
         << "overlay memberof\n";
    if (options_.syncprov) conf << "overlay syncprov\nsyncprov-checkpoint 100 10\n";
    writeFile(dir_ + "/slapd.conf", conf.str());
}

void SlapdServer::launch() {
    std::string listen = url() + "/";
    if (options_.tls) listen += " " + ldapsUrl() + "/";
    std::string command = std::string(slapdPath) + " -f " + shellQuoted(dir_ + "/slapd.conf") +
                          " -h " + shellQuoted(listen);
    if (::geteuid() == 0) command += " -u root -g root";
    runCommand(command);  // daemonises once it has bound its ports
    if (!waitForTcpPort("127.0.0.1", port_, startTimeoutMs)) {
        throw std::runtime_error("slapd is not listening on " + url());
    }
    for (int i = 0; i < 500 && !fs::exists(dir_ + "/slapd.pid"); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = std::stol(readFile(dir_ + "/slapd.pid"));
}

void SlapdServer::stop() {
    if (pid_ <= 0) return;
    ::kill(static_cast<pid_t>(pid_), SIGTERM);
    for (int i = 0; i < 500 && processAlive(pid_); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (processAlive(pid_)) ::kill(static_cast<pid_t>(pid_), SIGKILL);
    for (int i = 0; i < 200 && processAlive(pid_); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = 0;
    fs::remove(dir_ + "/slapd.pid");
}

void SlapdServer::crash() {
    if (pid_ <= 0) return;
    ::kill(static_cast<pid_t>(pid_), SIGKILL);
    for (int i = 0; i < 200 && processAlive(pid_); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = 0;
    fs::remove(dir_ + "/slapd.pid");
}

void SlapdServer::start() {
    if (pid_ > 0) return;
    launch();
}

void SlapdServer::modify(const std::string& ldif, bool addOnly) {
    const std::string path = dir_ + "/change.ldif";
    writeFile(path, ldif);
    runCommand(std::string("/usr/bin/ldapmodify -x") + (addOnly ? " -a" : "") + " -H " +
               shellQuoted(url()) + " -D " + shellQuoted(rootDn()) + " -w " +
               shellQuoted(password_) + " -f " + shellQuoted(path));
}

void SlapdServer::loadOffline(const std::string& ldifPath) {
    stop();
    runCommand("/usr/sbin/slapadd -q -w -f " + shellQuoted(dir_ + "/slapd.conf") + " -l " +
               shellQuoted(ldifPath));
    start();
}

std::string personLdif(const std::string& peopleDn, const std::string& uid,
                       const std::string& givenName, const std::string& surname,
                       const std::string& extraLines) {
    return "dn: uid=" + uid + "," + peopleDn + "\nobjectClass: inetOrgPerson\nuid: " + uid +
           "\ncn: " + givenName + " " + surname + "\ngivenName: " + givenName + "\nsn: " + surname +
           "\nmail: " + uid + "@example.com\n" + extraLines +
           (extraLines.empty() || extraLines.back() == '\n' ? "" : "\n") + "\n";
}

}  // namespace muster::test
