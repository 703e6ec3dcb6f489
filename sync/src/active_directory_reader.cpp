// Active Directory: objectGUID anchors; incremental reads by uSNChanged on
// the same domain controller (its invocationId is part of the cookie: another
// DC, or a DC restored from backup, gets a full sync); deletions from the
// Deleted Objects container with the show-deleted control.

#include "muster/core/error.hpp"
#include "muster/ldap/filter.hpp"
#include "reader_internal.hpp"

namespace muster::sync::detail {

namespace {

constexpr const char* showDeletedControl = "1.2.840.113556.1.4.417";

std::int64_t parseUsn(const std::string& text) {
    try {
        return text.empty() ? 0 : std::stoll(text);
    } catch (const std::exception&) {
        return 0;
    }
}

class ActiveDirectoryReader final : public DirectoryReader {
  public:
    ActiveDirectoryReader(const config::SyncSourceConfig& source, const EntryMapping& mapping)
        : source_(source), mapping_(mapping) {}

    ReadOutcome read(const std::string& cookie, bool full, const ReadEvents& events) override {
        ldap::Connection connection(connectionOptions(source_));
        const ldap::Entry root = connection.rootDse();
        // Read before the searches: what changes while they run is read next time.
        const std::string highest = root.first("highestCommittedUSN");
        const std::string invocation = invocationIdOf(connection, root);
        lookUpNetbiosDomain(connection, root);

        const auto parts = parseCookie(cookie);
        auto value = [&](const char* key) {
            auto found = parts.find(key);
            return found == parts.end() ? std::string() : found->second;
        };
        const bool sameController = !invocation.empty() && value("invocationId") == invocation;
        const std::int64_t since = parseUsn(value("uSNChanged"));
        const bool incremental = !full && sameController && since > 0 &&
                                 source_.incremental != config::IncrementalMethod::none;

        ReadOutcome outcome;
        outcome.method = incremental ? "uSNChanged" : "full scan";
        const std::string changedSince =
            incremental ? "(uSNChanged>=" + std::to_string(since + 1) + ")" : std::string();
        readScope(connection, EntryKind::user, source_.users, userFilter(source_),
                  mapping_.userAttributes(), changedSince, events);
        if (!source_.groups.baseDns.empty()) {
            readScope(connection, EntryKind::group, source_.groups, groupFilter(source_),
                      mapping_.groupAttributes(), changedSince, events);
        }
        if (incremental) readTombstones(connection, root, since + 1, events);
        outcome.usersComplete = !incremental;
        outcome.groupsComplete = !incremental && !source_.groups.baseDns.empty();
        outcome.cookie = formatCookie({{"invocationId", invocation}, {"uSNChanged", highest}});
        return outcome;
    }

    const ExtraValues& extraValues() const override { return extra_; }

  private:
    static std::string invocationIdOf(ldap::Connection& connection, const ldap::Entry& root) {
        const std::string& service = root.first("dsServiceName");
        if (service.empty()) return {};
        const ldap::Entry settings = connection.read(service, {"invocationId"});
        return ldap::formatObjectGuid(settings.first("invocationId"));
    }

    // The NetBIOS domain name ("EXAMPLE") for device logins: the crossRef of
    // the default naming context in the configuration partition.
    void lookUpNetbiosDomain(ldap::Connection& connection, const ldap::Entry& root) {
        const std::string& configuration = root.first("configurationNamingContext");
        const std::string& domain = root.first("defaultNamingContext");
        if (configuration.empty() || domain.empty()) return;
        ldap::SearchRequest request;
        request.base = "CN=Partitions," + configuration;
        request.scope = ldap::Scope::one;
        request.filter =
            ldap::allOf({"(objectClass=crossRef)", ldap::equalityFilter("nCName", domain)});
        request.attributes = {"nETBIOSName"};
        connection.search(request, [&](const ldap::Entry& entry) {
            extra_["_netbios_domain"] = entry.first("nETBIOSName");
            return false;
        });
    }

    void readScope(ldap::Connection& connection, EntryKind kind, const config::EntryScope& scope,
                   const std::string& filter, const std::vector<std::string>& attributes,
                   const std::string& changedSince, const ReadEvents& events) {
        for (const std::string& base : scope.baseDns) {
            ldap::SearchRequest request;
            request.base = base;
            request.scope = scopeOf(scope);
            request.filter = ldap::allOf({filter, changedSince});
            request.attributes = attributes;
            request.pageSize = source_.pageSize;
            connection.search(request, [&](const ldap::Entry& entry) {
                const std::string anchor = mapping_.anchorOf(entry);
                if (!anchor.empty()) events.changed(kind, anchor, entry);
                return true;
            });
        }
    }

    void readTombstones(ldap::Connection& connection, const ldap::Entry& root, std::int64_t from,
                        const ReadEvents& events) {
        ldap::SearchRequest request;
        request.base = root.first("defaultNamingContext");
        request.filter = "(&(isDeleted=TRUE)(uSNChanged>=" + std::to_string(from) + "))";
        request.attributes = {"objectGUID", "objectClass"};
        request.pageSize = source_.pageSize;
        request.controls.push_back({showDeletedControl, {}, true});
        connection.search(request, [&](const ldap::Entry& entry) {
            const std::string anchor = mapping_.anchorOf(entry);
            bool group = false;
            for (const std::string& objectClass : entry.values("objectClass")) {
                group = group || objectClass == "group";
            }
            if (!anchor.empty()) events.gone(group ? EntryKind::group : EntryKind::user, anchor);
            return true;
        });
    }

    const config::SyncSourceConfig& source_;
    const EntryMapping& mapping_;
    ExtraValues extra_;
};

}  // namespace

std::unique_ptr<DirectoryReader> makeActiveDirectoryReader(const config::SyncSourceConfig& source,
                                                           const EntryMapping& mapping) {
    return std::make_unique<ActiveDirectoryReader>(source, mapping);
}

}  // namespace muster::sync::detail
