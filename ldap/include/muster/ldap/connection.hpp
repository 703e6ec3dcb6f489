#pragma once

// A connection to one LDAP server: RAII over libldap's LDAP*, with simple
// bind, StartTLS or LDAPS (CA file, hostname check), referrals off, network
// and operation timeouts, and paged searches (RFC 2696) whose entries are
// handed to a callback one at a time, so memory does not grow with the size
// of the directory.
//
// SASL/GSSAPI (Kerberos) binds are not supported yet; simple bind over TLS
// is what both OpenLDAP and Active Directory accept.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "muster/ldap/entry.hpp"

typedef struct ldap LDAP;

namespace muster::ldap {

enum class TlsMode { none, starttls, ldaps };

struct ConnectionOptions {
    // ldap://host:port or ldaps://host:port (one server).
    std::string url;
    TlsMode tls = TlsMode::none;
    std::string caFile;             // PEM bundle to trust; empty: the system's
    bool verifyCertificate = true;  // false: tests against throwaway servers only
    std::string bindDn;             // empty: anonymous
    std::string password;           // never logged
    std::chrono::milliseconds networkTimeout{10'000};    // TCP connect and TLS handshake
    std::chrono::milliseconds operationTimeout{60'000};  // each wait for a server reply
    int connectAttempts = 3;                         // attempts, with back-off, before giving up
    std::chrono::milliseconds firstRetryDelay{200};  // doubled after each failure
};

enum class Scope { base, one, sub };

// Server-side controls on a search beyond paging (which is always on).
struct SearchControl {
    std::string oid;
    std::string value;  // BER-encoded; empty for none
    bool critical = false;
};

struct SearchRequest {
    std::string base;
    Scope scope = Scope::sub;
    std::string filter = "(objectClass=*)";
    std::vector<std::string> attributes;  // empty: all user attributes
    int pageSize = 500;
    std::vector<SearchControl> controls;
};

// Stop (false) or go on (true).
using EntryVisitor = std::function<bool(const Entry&)>;

class Connection {
  public:
    // Connects, starts TLS when asked and binds; retries with back-off on
    // connection failures (not on bad credentials). Throws LdapError.
    explicit Connection(ConnectionOptions options);
    ~Connection();
    Connection(Connection&&) noexcept;
    Connection& operator=(Connection&&) noexcept;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Every entry of a paged search, in server order. Returns the number of
    // entries visited. Throws LdapError (the visitor's own exceptions pass).
    std::size_t search(const SearchRequest& request, const EntryVisitor& visit);

    // The root DSE (base "" scope base, all user and operational attributes).
    Entry rootDse();

    // Reads one entry by DN; nullopt-like empty dn when it does not exist.
    Entry read(const std::string& dn, const std::vector<std::string>& attributes);

    const ConnectionOptions& options() const { return options_; }

    // The libldap handle, for the RFC 4533 sync search (sync_search.cpp).
    LDAP* handle() { return ld_; }

  private:
    void connectOnce();
    void close() noexcept;

    ConnectionOptions options_;
    LDAP* ld_ = nullptr;
};

// Text for log lines and errors: "ldap://host:389 (StartTLS)".
std::string describe(const ConnectionOptions& options);

}  // namespace muster::ldap
