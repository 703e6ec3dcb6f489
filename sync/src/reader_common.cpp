#include <algorithm>
#include <fstream>
#include <sstream>

#include "muster/core/error.hpp"
#include "muster/ldap/filter.hpp"
#include "reader_internal.hpp"

namespace muster::sync {

namespace detail {

std::map<std::string, std::string> parseCookie(const std::string& text) {
    std::map<std::string, std::string> parts;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        const auto tab = line.find('\t');
        if (tab != std::string::npos) parts[line.substr(0, tab)] = line.substr(tab + 1);
    }
    return parts;
}

std::string formatCookie(const std::map<std::string, std::string>& parts) {
    std::string text;
    for (const auto& [key, value] : parts) text += key + "\t" + value + "\n";
    return text;
}

ldap::Scope scopeOf(const config::EntryScope& scope) {
    return scope.scope == "one" ? ldap::Scope::one : ldap::Scope::sub;
}

RoleMembers collectRoles(
    const config::SyncSourceConfig& source,
    const std::function<std::set<std::string>(const std::string& groupDn)>& usersOf) {
    RoleMembers members;
    for (const config::RoleFromGroup& role : source.roles) {
        for (const std::string& user : usersOf(role.groupDn)) members[user].push_back(role.role);
    }
    for (auto& [user, roles] : members) {
        std::sort(roles.begin(), roles.end());
        roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
    }
    return members;
}

}  // namespace detail

namespace {

std::string readPasswordFile(const config::SyncSourceConfig& source) {
    std::ifstream file(source.bindPasswordFile);
    if (!file) {
        throw Error(ErrorCode::invalid_input, "sync source " + source.name +
                                                  ": cannot read bind_password_file " +
                                                  source.bindPasswordFile);
    }
    std::string password;
    std::getline(file, password);
    return password;
}

std::string memberOfFilter(const config::SyncSourceConfig& source) {
    if (source.users.memberOf.empty()) return {};
    // AD: LDAP_MATCHING_RULE_IN_CHAIN follows nested groups on the server.
    const char* attribute = source.type == config::DirectoryType::active_directory
                                ? "memberOf:1.2.840.113556.1.4.1941:"
                                : "memberOf";
    return ldap::equalityFilter(attribute, source.users.memberOf);
}

}  // namespace

ldap::ConnectionOptions connectionOptions(const config::SyncSourceConfig& source) {
    ldap::ConnectionOptions options;
    options.url = source.url;
    switch (source.tls) {
        case config::DirectoryTls::none:
            options.tls = ldap::TlsMode::none;
            break;
        case config::DirectoryTls::starttls:
            options.tls = ldap::TlsMode::starttls;
            break;
        case config::DirectoryTls::ldaps:
            options.tls = ldap::TlsMode::ldaps;
            break;
    }
    options.caFile = source.caFile;
    options.verifyCertificate = source.tlsVerify;
    options.bindDn = source.bindDn;
    options.password =
        source.bindPasswordFile.empty() ? source.bindPassword : readPasswordFile(source);
    options.operationTimeout = std::chrono::seconds(source.timeoutSeconds);
    options.networkTimeout = std::chrono::seconds(std::min(source.timeoutSeconds, 30));
    return options;
}

std::string userFilter(const config::SyncSourceConfig& source) {
    std::string base = source.users.filter;
    if (base.empty()) {
        base = source.type == config::DirectoryType::active_directory
                   ? "(&(objectCategory=person)(objectClass=user))"
                   : "(objectClass=inetOrgPerson)";
    }
    ldap::checkFilterSyntax(base);
    return ldap::allOf({base, memberOfFilter(source)});
}

std::string groupFilter(const config::SyncSourceConfig& source) {
    std::string base = source.groups.filter;
    if (base.empty()) {
        base = source.type == config::DirectoryType::active_directory
                   ? "(objectClass=group)"
                   : "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))";
    }
    ldap::checkFilterSyntax(base);
    return base;
}

std::unique_ptr<DirectoryReader> makeReader(const config::SyncSourceConfig& source,
                                            const EntryMapping& mapping) {
    if (source.type == config::DirectoryType::active_directory) {
        return detail::makeActiveDirectoryReader(source, mapping);
    }
    return detail::makeOpenLdapReader(source, mapping);
}

}  // namespace muster::sync
