#pragma once

// A real, throwaway Active Directory domain controller (Debian's samba):
// `samba-tool domain provision` into a temporary directory, then samba in
// the foreground serving LDAP on 127.0.0.1. Provisioning takes seconds, so
// a test binary provisions one DC (sharedSambaDc) and all its tests use it.
//
// Samba's LDAP ports (389, 636) cannot be configured, so the AD test binary
// runs in a private network namespace of its own (tests/support/run-in-netns,
// `unshare -n` with only loopback up) where those ports are always free and
// nothing else can see the server.

#include <memory>
#include <string>

namespace muster::test {

class CleanupWatchdog;

class SambaDc {
  public:
    static bool available(std::string* whyNot);

    SambaDc();
    ~SambaDc();
    SambaDc(const SambaDc&) = delete;
    SambaDc& operator=(const SambaDc&) = delete;

    std::string url() const { return "ldap://127.0.0.1:389"; }
    std::string ldapsUrl() const { return "ldaps://127.0.0.1:636"; }
    std::string baseDn() const { return "DC=example,DC=test"; }
    std::string usersDn() const { return "CN=Users,DC=example,DC=test"; }
    std::string netbiosDomain() const { return "EXAMPLE"; }
    std::string bindDn() const { return "CN=Administrator,CN=Users,DC=example,DC=test"; }
    const std::string& password() const { return password_; }
    const std::string& dir() const { return dir_; }

    // LDIF change records applied over LDAP as Administrator (ldapmodify).
    void modify(const std::string& ldif, bool addOnly = false);
    void add(const std::string& ldif) { modify(ldif, true); }
    // samba-tool with the given arguments, against the DC's database.
    std::string tool(const std::string& arguments);
    // Runs an ldapsearch as Administrator and returns its LDIF output.
    std::string search(const std::string& base, const std::string& filter,
                       const std::string& attributes, bool showDeleted = false);

  private:
    void provision();
    void launch();

    std::string dir_;
    std::unique_ptr<CleanupWatchdog> watchdog_;
    std::string password_ = "Passw0rd!Admin";
    long pid_ = 0;
};

// The DC shared by every test of this binary: provisioned on first use,
// stopped at exit. nullptr (with the reason) when samba is not installed;
// throws when it is installed but fails to start.
SambaDc* sharedSambaDc(std::string* whyMissing);

}  // namespace muster::test
