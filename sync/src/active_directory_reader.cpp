// Active Directory: objectGUID anchors; incremental reads by uSNChanged on
// the same domain controller (its invocationId is part of the cookie: another
// DC, or a DC restored from backup, gets a full sync); deletions from the
// Deleted Objects container with the show-deleted control. Group members
// come in ranges (ranged attribute retrieval), read until the last one.

#include <optional>

#include "muster/core/error.hpp"
#include "muster/ldap/filter.hpp"
#include "reader_internal.hpp"

namespace muster::sync::detail {

namespace {

constexpr const char* showDeletedControl = "1.2.840.113556.1.4.417";

// At most this many range reads per group: 150 million values at AD's
// default range of 1500, far beyond any real group, but a bound.
constexpr int maxRangeReads = 100000;

// The values of "member;range=1500-2999" (last: 2999) or of the final range
// "member;range=3000-*" (last: none).
struct ValueRange {
    std::string key;  // the attribute as the server named it, lower case
    std::int64_t first = 0;
    std::optional<std::int64_t> last;
};

std::optional<std::int64_t> parseIndex(const std::string& text) {
    if (text.empty() || text.size() > 18 ||
        text.find_first_not_of("0123456789") != std::string::npos) {
        return std::nullopt;
    }
    return std::stoll(text);
}

// The ranged form of `attribute` (lower case) in the entry, if the server
// used one. A range that does not parse fails the run rather than leave
// the group without members.
std::optional<ValueRange> rangeOf(const ldap::Entry& entry, const std::string& attribute) {
    const std::string prefix = attribute + ";range=";
    auto it = entry.attributes.lower_bound(prefix);
    if (it == entry.attributes.end() || it->first.compare(0, prefix.size(), prefix) != 0) {
        return std::nullopt;
    }
    const std::string bounds = it->first.substr(prefix.size());
    const auto dash = bounds.find('-');
    const std::optional<std::int64_t> first =
        dash == std::string::npos ? std::nullopt : parseIndex(bounds.substr(0, dash));
    const std::string lastText = dash == std::string::npos ? "" : bounds.substr(dash + 1);
    const std::optional<std::int64_t> last = parseIndex(lastText);
    if (!first || (lastText != "*" && (!last || *last < *first))) {
        throw Error(ErrorCode::unavailable,
                    entry.dn + ": the server sent " + it->first + ", not a range of values");
    }
    return ValueRange{it->first, *first, lastText == "*" ? std::nullopt : last};
}

std::string rangeRequest(const std::string& attribute, std::int64_t first, int size) {
    return attribute + ";range=" + std::to_string(first) + "-" +
           (size > 0 ? std::to_string(first + size - 1) : std::string("*"));
}

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
                      groupAttributes(), changedSince, events);
        }
        if (incremental) readTombstones(connection, root, since + 1, events);
        outcome.usersComplete = !incremental;
        outcome.groupsComplete = !incremental && !source_.groups.baseDns.empty();
        outcome.cookie = formatCookie({{"invocationId", invocation}, {"uSNChanged", highest}});
        return outcome;
    }

    // LDAP_MATCHING_RULE_IN_CHAIN: the DC follows nested groups (and
    // cycles) itself; one search per role group.
    RoleMembers readRoleMembers() override {
        if (source_.roles.empty()) return {};
        ldap::Connection connection(connectionOptions(source_));
        return collectRoles(source_, [&](const std::string& groupDn) {
            std::set<std::string> users;
            for (const std::string& base : source_.users.baseDns) {
                ldap::SearchRequest request;
                request.base = base;
                request.scope = scopeOf(source_.users);
                request.filter = ldap::allOf(
                    {userFilter(source_),
                     ldap::equalityFilter("memberOf:1.2.840.113556.1.4.1941:", groupDn)});
                request.attributes = {"1.1"};  // the DN only
                request.pageSize = source_.pageSize;
                connection.search(request, [&](const ldap::Entry& entry) {
                    users.insert(ldap::normalizeDn(entry.dn));
                    return true;
                });
            }
            return users;
        });
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
        const std::string member = ldap::lowerName(source_.memberAttribute);
        for (const std::string& base : scope.baseDns) {
            ldap::SearchRequest request;
            request.base = base;
            request.scope = scopeOf(scope);
            request.filter = ldap::allOf({filter, changedSince});
            request.attributes = attributes;
            request.pageSize = source_.pageSize;
            // Groups with more members than one range are completed after
            // the search: its pages stay in order on the connection.
            std::vector<std::pair<ldap::Entry, ValueRange>> partial;
            connection.search(request, [&](const ldap::Entry& entry) {
                const std::string anchor = mapping_.anchorOf(entry);
                if (anchor.empty()) return true;
                std::optional<ValueRange> range;
                if (kind == EntryKind::group) range = rangeOf(entry, member);
                if (!range) {
                    events.changed(kind, anchor, entry);
                } else if (!range->last) {
                    events.changed(kind, anchor, withAllValues(entry, member, *range));
                } else {
                    partial.emplace_back(entry, *range);
                }
                return true;
            });
            for (auto& [entry, range] : partial) {
                ldap::Entry complete = readRemainingValues(connection, entry, member, range);
                events.changed(kind, mapping_.anchorOf(complete), complete);
            }
        }
    }

    // The group attributes, the member attribute asked for by range when
    // member_range_size is set.
    std::vector<std::string> groupAttributes() const {
        std::vector<std::string> names = mapping_.groupAttributes();
        if (source_.memberRangeSize <= 0) return names;
        const std::string member = ldap::lowerName(source_.memberAttribute);
        for (std::string& name : names) {
            if (ldap::lowerName(name) == member) {
                name = rangeRequest(source_.memberAttribute, 0, source_.memberRangeSize);
            }
        }
        return names;
    }

    // The entry with the values of `range` under the plain attribute name,
    // as the mapping reads them.
    static ldap::Entry withAllValues(ldap::Entry entry, const std::string& attribute,
                                     const ValueRange& range) {
        auto ranged = entry.attributes.find(range.key);
        std::vector<std::string>& values = entry.attributes[attribute];
        values.insert(values.end(), std::make_move_iterator(ranged->second.begin()),
                      std::make_move_iterator(ranged->second.end()));
        entry.attributes.erase(ranged);
        return entry;
    }

    // Reads the ranges after `range` one base read at a time until the
    // server answers with the final one ("...-*"). Ranges are not one
    // snapshot: a group changed meanwhile is read again by the next run.
    ldap::Entry readRemainingValues(ldap::Connection& connection, const ldap::Entry& first,
                                    const std::string& attribute, ValueRange range) {
        ldap::Entry entry = withAllValues(first, attribute, range);
        std::vector<std::string>& values = entry.attributes[attribute];
        for (int reads = 0; range.last; ++reads) {
            if (reads >= maxRangeReads) {
                throw Error(ErrorCode::too_many, "group " + entry.dn + ": more than " +
                                                     std::to_string(maxRangeReads) + " ranges of " +
                                                     source_.memberAttribute + " values");
            }
            const std::int64_t next = *range.last + 1;
            const ldap::Entry more = connection.read(
                entry.dn, {rangeRequest(source_.memberAttribute, next, source_.memberRangeSize)});
            std::optional<ValueRange> found = rangeOf(more, attribute);
            // No values from `next` on: the group shrank since the last range.
            if (!found) break;
            if (found->first != next) {
                throw Error(ErrorCode::unavailable,
                            "group " + entry.dn + ": asked for " + source_.memberAttribute +
                                " values from " + std::to_string(next) + ", got " + found->key);
            }
            const std::vector<std::string>& got = more.values(found->key);
            values.insert(values.end(), got.begin(), got.end());
            range = *found;
        }
        return entry;
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
