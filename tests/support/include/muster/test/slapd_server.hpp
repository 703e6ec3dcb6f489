#pragma once

// A real, throwaway OpenLDAP server (Debian's slapd) for tests: a slapd.conf
// in a temporary directory (mdb; syncprov and memberof overlays), listening
// on 127.0.0.1 on free ports (ldap:// with StartTLS, and ldaps://), with a
// self-signed test CA. Stopped and deleted when the object goes away, or by
// a watchdog if the test process dies first.

#include <memory>
#include <optional>
#include <string>

namespace muster::test {

class CleanupWatchdog;

struct SlapdOptions {
    std::string suffix = "dc=example,dc=com";
    // Without syncprov the server cannot do RFC 4533 (the modifyTimestamp
    // fallback is what a client must use then).
    bool syncprov = true;
    bool tls = true;
};

class SlapdServer {
  public:
    // Whether slapd and the ldap-utils tools are installed; the reason when not.
    static bool available(std::string* whyNot);

    explicit SlapdServer(SlapdOptions options = {});
    ~SlapdServer();
    SlapdServer(const SlapdServer&) = delete;
    SlapdServer& operator=(const SlapdServer&) = delete;

    std::string url() const;       // ldap://127.0.0.1:<port>
    std::string ldapsUrl() const;  // ldaps://127.0.0.1:<tlsPort>
    int port() const { return port_; }
    const std::string& suffix() const { return options_.suffix; }
    std::string rootDn() const { return "cn=admin," + options_.suffix; }
    const std::string& rootPassword() const { return password_; }
    // A plain user (password rootPassword()) limited to 10 entries per
    // search unless the search is paged in pages of at most 10.
    std::string readerDn() const { return "cn=reader," + options_.suffix; }
    std::string peopleDn() const { return "ou=people," + options_.suffix; }
    std::string groupsDn() const { return "ou=groups," + options_.suffix; }
    // The CA that signed the server certificate (CN and SAN 127.0.0.1, localhost).
    std::string caFile() const { return dir_ + "/ca.crt"; }
    // A CA that signed nothing this server presents.
    std::string otherCaFile() const { return dir_ + "/other-ca.crt"; }
    const std::string& dir() const { return dir_; }

    // Applies LDIF change records through ldapmodify as the root DN; with
    // addOnly, records without a changetype are adds. Throws with the tool's
    // output on failure.
    void modify(const std::string& ldif, bool addOnly = false);
    void add(const std::string& ldif) { modify(ldif, true); }

    // Stops the server (SIGTERM, then SIGKILL) and starts it again on the
    // same ports with the same data.
    void stop();
    // Kills the server at once (SIGKILL), as a crash or a lost host would:
    // unlike stop(), which lets slapd answer what is in flight with
    // "unavailable (52)" while it shuts down, nothing more is answered.
    void crash();
    void start();
    bool running() const { return pid_ > 0; }

    // Loads an LDIF file offline with slapadd (fast for large data sets); the
    // server is stopped for it and started again.
    void loadOffline(const std::string& ldifPath);

  private:
    void makeCertificates();
    void writeConfig();
    void launch();

    SlapdOptions options_;
    std::string dir_;
    std::unique_ptr<CleanupWatchdog> watchdog_;
    std::string password_ = "s3cret-test";
    int port_ = 0;
    int tlsPort_ = 0;
    long pid_ = 0;
};

// A short alias for the common shape of a test person, for LDIF fixtures:
// dn uid=<uid>,<peopleDn> with inetOrgPerson attributes.
std::string personLdif(const std::string& peopleDn, const std::string& uid,
                       const std::string& givenName, const std::string& surname,
                       const std::string& extraLines = {});

}  // namespace muster::test
