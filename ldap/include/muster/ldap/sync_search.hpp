#pragma once

// RFC 4533 content synchronisation (OpenLDAP syncrepl) in refreshOnly mode:
// one search that returns what changed since `cookie` (everything when the
// cookie is empty) and a new cookie to store for next time.

#include <functional>
#include <string>
#include <vector>

#include "muster/ldap/connection.hpp"

namespace muster::ldap {

// What the server said about the entries in scope.
struct SyncEvents {
    // Added or modified entries, with their attributes; `uuid` is the
    // entryUUID (RFC 4122 text).
    std::function<void(const std::string& uuid, const Entry& entry)> changed;
    // Unchanged entries that still exist (present phase).
    std::function<void(const std::string& uuid)> present;
    // Entries deleted (or moved out of scope) since the cookie.
    std::function<void(const std::string& uuid)> deleted;
};

struct SyncResult {
    std::string cookie;  // to store; empty when the server sent none
    // True when the server used the present phase: every entry still in
    // scope was reported as changed or present, so any other known entry
    // is gone. False when it reported deletions explicitly.
    bool presentPhase = false;
    std::size_t entries = 0;
};

// The supportedControl OID that says a server can do this (syncprov loaded).
inline constexpr const char* syncRequestControlOid = "1.3.6.1.4.1.4203.1.9.1.1";

// Runs the refreshOnly search. Throws LdapError; an e-syncRefreshRequired
// answer (4096: the cookie is too old) throws with that result code, and the
// caller starts over with an empty cookie.
SyncResult refreshOnly(Connection& connection, const SearchRequest& request,
                       const std::string& cookie, const SyncEvents& events);

inline constexpr int syncRefreshRequired = 4096;

}  // namespace muster::ldap
