#pragma once

// An LDAP failure as a muster::Error that keeps the LDAP result code and the
// server's diagnostic text, so an operator sees "invalid credentials (49)"
// and not a bare "sync failed".

#include <string>

#include "muster/core/error.hpp"

namespace muster::ldap {

class LdapError : public Error {
  public:
    LdapError(ErrorCode code, std::string message, int resultCode, std::string diagnostic)
        : Error(code, std::move(message)),
          resultCode_(resultCode),
          diagnostic_(std::move(diagnostic)) {}

    // The LDAP result code (RFC 4511 §4.1.9) or libldap's negative API code.
    int resultCode() const noexcept { return resultCode_; }
    const std::string& diagnostic() const noexcept { return diagnostic_; }

  private:
    int resultCode_;
    std::string diagnostic_;
};

// The muster::ErrorCode for an LDAP result code: bad credentials and missing
// rights are `forbidden`, a server that cannot be reached or is busy is
// `unavailable`, a bad filter or DN is `invalid_input`, the rest `internal`.
ErrorCode errorCodeForLdapResult(int resultCode);

// "<what>: <ldap_err2string> (<code>)[: <diagnostic>]" as an LdapError.
LdapError makeLdapError(const std::string& what, int resultCode, const std::string& diagnostic);

}  // namespace muster::ldap
