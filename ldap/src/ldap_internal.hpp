#pragma once

// Private to muster_ldap: libldap helpers shared by the plain and the sync search.

#include <ldap.h>

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "muster/ldap/connection.hpp"
#include "muster/ldap/entry.hpp"
#include "muster/ldap/ldap_error.hpp"

namespace muster::ldap::detail {

struct MessageFree {
    void operator()(LDAPMessage* message) const noexcept { ldap_msgfree(message); }
};
using MessagePtr = std::unique_ptr<LDAPMessage, MessageFree>;

struct ControlsFree {
    void operator()(LDAPControl** controls) const noexcept { ldap_controls_free(controls); }
};
using ControlsPtr = std::unique_ptr<LDAPControl*, ControlsFree>;

// A berval viewing a string (for libldap calls that take const data).
struct Berval {
    explicit Berval(const std::string& text) {
        value.bv_len = text.size();
        value.bv_val = const_cast<char*>(text.data());
    }
    berval value{};
};

// Sends a search (with a paging control for `pageCookie` when
// request.pageSize > 0, plus request.controls); returns the message id.
int startSearch(LDAP* ld, const SearchRequest& request, const std::string& pageCookie,
                const std::string& context);

// The next message of the operation; throws on timeout (after abandoning
// the operation) or when the connection fails.
std::pair<int, MessagePtr> nextMessage(LDAP* ld, int messageId, std::chrono::milliseconds timeout,
                                       const std::string& context);

// The server's diagnostic text of the last operation on `ld`, or empty.
std::string diagnosticOf(LDAP* ld);

// The session's last result code (LDAP_OPT_RESULT_CODE).
int lastResultCode(LDAP* ld);

// Decodes search result entries into one Entry that is reused from message
// to message: its attribute slots, value vectors and strings keep their
// capacity, so a stream of similar entries (a directory sync reads
// hundreds of thousands) costs no allocation per attribute or value. The
// DN and values are read straight from the message, in one pass.
class EntryDecoder {
  public:
    // Valid until the next decode(); copy it to keep it. Throws LdapError
    // when the message is not a well-formed entry.
    const Entry& decode(LDAP* ld, LDAPMessage* message);

  private:
    std::vector<std::string>& slotFor(const berval& name, bool& again);
    void dropAttributesNotSeen();

    Entry entry_;
    std::string name_;                      // the lower-cased name being decoded
    std::vector<const std::string*> seen_;  // this entry's names (keys of entry_.attributes)
};

timeval toTimeval(std::chrono::milliseconds duration);

int scopeOf(Scope scope);

// "<url>: search under <base>" for error messages.
std::string searchContext(const Connection& connection, const SearchRequest& request);

}  // namespace muster::ldap::detail
