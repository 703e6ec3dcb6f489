// OpenLDAP (and other RFC 4533 servers): syncrepl refreshOnly with a stored
// cookie per search; without syncprov, a modifyTimestamp high-water mark.

#include <set>
#include <unordered_map>

#include "muster/ldap/filter.hpp"
#include "muster/ldap/ldap_error.hpp"
#include "muster/ldap/sync_search.hpp"
#include "reader_internal.hpp"

namespace muster::sync::detail {

namespace {

bool offersSyncrepl(ldap::Connection& connection) {
    const ldap::Entry root = connection.rootDse();
    for (const std::string& oid : root.values("supportedControl")) {
        if (oid == ldap::syncRequestControlOid) return true;
    }
    return false;
}

class OpenLdapReader final : public DirectoryReader {
  public:
    OpenLdapReader(const config::SyncSourceConfig& source, const EntryMapping& mapping)
        : source_(source), mapping_(mapping) {}

    ReadOutcome read(const std::string& cookie, bool full, const ReadEvents& events) override {
        ldap::Connection connection(connectionOptions(source_));
        config::IncrementalMethod method = source_.incremental;
        if (method == config::IncrementalMethod::automatic) {
            method = offersSyncrepl(connection) ? config::IncrementalMethod::syncrepl
                                                : config::IncrementalMethod::modify_timestamp;
        }
        const auto parts = full ? std::map<std::string, std::string>() : parseCookie(cookie);
        if (method == config::IncrementalMethod::syncrepl) {
            return readBySyncrepl(connection, parts, events);
        }
        if (method == config::IncrementalMethod::none) {
            return readByTimestamp(connection, {}, events);
        }
        return readByTimestamp(connection, parts, events);
    }

    // OpenLDAP has no IN_CHAIN rule: the nesting is followed here, through
    // the groups of the groups scope.
    RoleMembers readRoleMembers() override {
        if (source_.roles.empty()) return {};
        ldap::Connection connection(connectionOptions(source_));
        GroupGraph graph = readGroupGraph(connection);
        return collectRoles(source_, [&](const std::string& groupDn) {
            return usersUnder(connection, graph, groupDn);
        });
    }

    const ExtraValues& extraValues() const override { return extra_; }

  private:
    // Normalised group DN -> normalised member DNs.
    using GroupGraph = std::unordered_map<std::string, std::vector<std::string>>;

    std::vector<std::string> membersOf(const ldap::Entry& group) const {
        std::vector<std::string> members;
        for (const std::string& member : group.values(source_.memberAttribute)) {
            members.push_back(ldap::normalizeDn(member));
        }
        return members;
    }

    GroupGraph readGroupGraph(ldap::Connection& connection) const {
        GroupGraph graph;
        for (const std::string& base : source_.groups.baseDns) {
            ldap::SearchRequest request;
            request.base = base;
            request.scope = scopeOf(source_.groups);
            request.filter = groupFilter(source_);
            request.attributes = {source_.memberAttribute};
            request.pageSize = source_.pageSize;
            connection.search(request, [&](const ldap::Entry& entry) {
                graph[ldap::normalizeDn(entry.dn)] = membersOf(entry);
                return true;
            });
        }
        return graph;
    }

    // The members of the role group that are not groups of the graph, and
    // those of every group of the graph nested in it at any depth. Each
    // group is visited once, so a cycle of groups ends.
    std::set<std::string> usersUnder(ldap::Connection& connection, GroupGraph& graph,
                                     const std::string& roleGroupDn) const {
        const std::string root = ldap::normalizeDn(roleGroupDn);
        if (graph.count(root) == 0) {
            // The role group may lie outside the groups scope: read it alone.
            const ldap::Entry entry = connection.read(roleGroupDn, {source_.memberAttribute});
            if (entry.dn.empty()) return {};
            graph[root] = membersOf(entry);
        }
        std::set<std::string> users;
        std::set<std::string> visited{root};
        std::vector<std::string> pending{root};
        while (!pending.empty()) {
            const std::string group = std::move(pending.back());
            pending.pop_back();
            for (const std::string& member : graph.at(group)) {
                if (graph.count(member) == 0) {
                    users.insert(member);
                } else if (visited.insert(member).second) {
                    pending.push_back(member);
                }
            }
        }
        return users;
    }

    struct Search {
        EntryKind kind;
        std::string key;  // cookie part: "u0", "g1", ...
        ldap::SearchRequest request;
    };

    std::vector<Search> searches() const {
        std::vector<Search> out;
        for (std::size_t i = 0; i < source_.users.baseDns.size(); ++i) {
            ldap::SearchRequest request;
            request.base = source_.users.baseDns[i];
            request.scope = scopeOf(source_.users);
            request.filter = userFilter(source_);
            request.attributes = mapping_.userAttributes();
            request.pageSize = source_.pageSize;
            out.push_back({EntryKind::user, "u" + std::to_string(i), request});
        }
        for (std::size_t i = 0; i < source_.groups.baseDns.size(); ++i) {
            ldap::SearchRequest request;
            request.base = source_.groups.baseDns[i];
            request.scope = scopeOf(source_.groups);
            request.filter = groupFilter(source_);
            request.attributes = mapping_.groupAttributes();
            request.pageSize = source_.pageSize;
            out.push_back({EntryKind::group, "g" + std::to_string(i), request});
        }
        return out;
    }

    ReadOutcome readBySyncrepl(ldap::Connection& connection,
                               const std::map<std::string, std::string>& cookies,
                               const ReadEvents& events) {
        ReadOutcome outcome;
        outcome.method = "syncrepl";
        outcome.usersComplete = true;
        outcome.groupsComplete = !source_.groups.baseDns.empty();
        std::map<std::string, std::string> next;
        for (const Search& search : searches()) {
            auto found = cookies.find(search.key);
            std::string cookie = found == cookies.end() ? std::string() : found->second;
            ldap::SyncEvents syncEvents;
            const EntryKind kind = search.kind;
            syncEvents.changed = [&](const std::string& uuid, const ldap::Entry& entry) {
                events.changed(kind, uuid, entry);
            };
            syncEvents.present = [&](const std::string& uuid) { events.present(kind, uuid); };
            syncEvents.deleted = [&](const std::string& uuid) { events.gone(kind, uuid); };
            ldap::SyncResult result;
            try {
                result = ldap::refreshOnly(connection, search.request, cookie, syncEvents);
            } catch (const ldap::LdapError& error) {
                // e-syncRefreshRequired: the server cannot serve the cookie
                // any more; start this search over.
                if (error.resultCode() != ldap::syncRefreshRequired || cookie.empty()) throw;
                cookie.clear();
                result = ldap::refreshOnly(connection, search.request, cookie, syncEvents);
            }
            const bool complete = result.presentPhase || cookie.empty();
            bool& flag = kind == EntryKind::user ? outcome.usersComplete : outcome.groupsComplete;
            flag = flag && complete;
            next[search.key] = result.cookie;
        }
        outcome.cookie = formatCookie(next);
        return outcome;
    }

    ReadOutcome readByTimestamp(ldap::Connection& connection,
                                const std::map<std::string, std::string>& parts,
                                const ReadEvents& events) {
        ReadOutcome outcome;
        auto found = parts.find("modifyTimestamp");
        const std::string since = found == parts.end() ? std::string() : found->second;
        outcome.method = since.empty() ? "full scan" : "modifyTimestamp";
        std::string newest = since;
        for (Search& search : searches()) {
            if (!since.empty()) {
                // >= rather than >: entries changed within the same second as the
                // mark are read again, never missed.
                search.request.filter =
                    ldap::allOf({search.request.filter,
                                 "(modifyTimestamp>=" + ldap::escapeFilterValue(since) + ")"});
            }
            search.request.attributes.push_back("modifyTimestamp");
            connection.search(search.request, [&](const ldap::Entry& entry) {
                const std::string anchor = mapping_.anchorOf(entry);
                if (!anchor.empty()) events.changed(search.kind, anchor, entry);
                const std::string& stamp = entry.first("modifyTimestamp");
                // GeneralizedTime of one server sorts as text.
                if (stamp > newest) newest = stamp;
                return true;
            });
        }
        outcome.usersComplete = since.empty();
        outcome.groupsComplete = since.empty() && !source_.groups.baseDns.empty();
        outcome.cookie =
            newest.empty() ? std::string() : formatCookie({{"modifyTimestamp", newest}});
        return outcome;
    }

    const config::SyncSourceConfig& source_;
    const EntryMapping& mapping_;
    ExtraValues extra_;
};

}  // namespace

std::unique_ptr<DirectoryReader> makeOpenLdapReader(const config::SyncSourceConfig& source,
                                                    const EntryMapping& mapping) {
    return std::make_unique<OpenLdapReader>(source, mapping);
}

}  // namespace muster::sync::detail
