#pragma once

// Private to muster_sync: pieces the two readers share.

#include <functional>
#include <map>
#include <set>
#include <string>

#include "muster/sync/directory_reader.hpp"

namespace muster::sync::detail {

// Cookies of several searches in one stored text: "key\tvalue" lines.
std::map<std::string, std::string> parseCookie(const std::string& text);
std::string formatCookie(const std::map<std::string, std::string>& parts);

ldap::Scope scopeOf(const config::EntryScope& scope);

// The role map of the source's `roles:`, given the (normalised) DNs of the
// users each role group holds, directly or nested.
RoleMembers collectRoles(
    const config::SyncSourceConfig& source,
    const std::function<std::set<std::string>(const std::string& groupDn)>& usersOf);

std::unique_ptr<DirectoryReader> makeOpenLdapReader(const config::SyncSourceConfig& source,
                                                    const EntryMapping& mapping);
std::unique_ptr<DirectoryReader> makeActiveDirectoryReader(const config::SyncSourceConfig& source,
                                                           const EntryMapping& mapping);

}  // namespace muster::sync::detail
