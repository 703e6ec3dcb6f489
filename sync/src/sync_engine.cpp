#include "muster/sync/sync_engine.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "muster/core/error.hpp"
#include "muster/ldap/filter.hpp"
#include "muster/sync/directory_reader.hpp"
#include "muster/sync/mapping.hpp"
#include "reader_internal.hpp"

namespace muster::sync {

namespace {

constexpr std::int64_t millisPerDay = 24LL * 3600 * 1000;
constexpr std::size_t maxReportedErrors = 100;
// The engine's own line in the source's cookie (readers use other keys).
constexpr const char* rolesDigestKey = "rolesDigest";

struct Known {
    Id resourceId = 0;
    std::string fingerprint;
    bool missing = false;
    std::optional<Timestamp> missingSince;
    std::string dn;
    bool seen = false;  // reported by the source in this run
};

using KnownMap = std::unordered_map<std::string, Known>;

KnownMap loadKnown(Transaction& tx, Id tenantId, const std::string& source, SyncObjectKind kind) {
    KnownMap known;
    std::vector<SyncObject> objects = tx.syncState().listObjects(tenantId, source, kind);
    known.reserve(objects.size());
    for (SyncObject& object : objects) {
        known.emplace(
            std::move(object.anchor),
            Known{object.resourceId, std::move(object.fingerprint), object.missingSince.has_value(),
                  object.missingSince, std::move(object.dn)});
    }
    return known;
}

Principal syncPrincipal(Id tenantId, const std::string& source) {
    Principal principal;
    principal.tenantId = tenantId;
    // No user: a directory source acts with full rights, like an automation token.
    principal.actor.id = "sync:" + source;
    principal.actor.source = "sync:" + source;
    return principal;
}

// Deletions a run may make before it stops (SPEC D-5).
bool overThreshold(const config::SyncSourceConfig& source, std::int64_t removals,
                   std::int64_t activeKnown) {
    if (source.maxDeletions > 0 && removals > source.maxDeletions) return true;
    return source.maxDeletionPercent > 0 && activeKnown > 0 &&
           removals * 100 > static_cast<std::int64_t>(source.maxDeletionPercent) * activeKnown;
}

void addCounts(SyncRunCounts& into, const SyncRunCounts& more) {
    into.created += more.created;
    into.updated += more.updated;
    into.unchanged += more.unchanged;
    into.deactivated += more.deactivated;
    into.deleted += more.deleted;
    into.groupsCreated += more.groupsCreated;
    into.groupsUpdated += more.groupsUpdated;
    into.groupsDeleted += more.groupsDeleted;
    // Errors are counted one by one as they are recorded.
}

class Run {
  public:
    Run(Store& store, const config::SyncSourceConfig& source, Id tenantId,
        const RunOptions& options)
        : store_(store),
          source_(source),
          options_(options),
          principal_(syncPrincipal(tenantId, source.name)),
          mapping_(source),
          service_(store),
          started_(std::chrono::steady_clock::now()) {
        report_.run.tenantId = tenantId;
        report_.run.source = source.name;
        report_.run.dryRun = options.dryRun;
        report_.run.startedAt = nowMillis();
    }

    SyncReport execute() {
        const Id tenantId = principal_.tenantId;
        if (!options_.dryRun) {
            // One runner per source across daemons, held until the run ends
            // (or the daemon dies). Dry runs write nothing and need none.
            lock_ =
                store_.tryExclusiveLock("sync:" + std::to_string(tenantId) + ":" + source_.name);
            if (!lock_) {
                throw Error(ErrorCode::conflict,
                            "sync source " + source_.name + " is running on another daemon",
                            "source");
            }
            auto tx = store_.beginWrite();
            report_.run.id = tx->syncState().startRun(report_.run);
            tx->commit();
        }
        try {
            sync();
            if (report_.run.status == SyncRunStatus::running) {
                report_.run.status = SyncRunStatus::succeeded;
            }
        } catch (const Error& error) {
            report_.run.status = SyncRunStatus::failed;
            report_.run.message = error.what();
        }
        if (report_.run.message.empty() && !report_.errors.empty()) {
            report_.run.message = std::to_string(report_.run.counts.errors) +
                                  " entries refused, first: " + report_.errors.front().dn + ": " +
                                  report_.errors.front().message;
        }
        report_.run.finishedAt = nowMillis();
        notify("done");
        if (!options_.dryRun) finishRun();
        return report_;
    }

  private:
    void finishRun() {
        // Best effort: the report must not hide why the run failed.
        try {
            auto tx = store_.beginWrite();
            tx->syncState().finishRun(report_.run);
            tx->commit();
        } catch (const Error& error) {
            if (report_.run.message.empty()) report_.run.message = error.what();
        }
        lock_.reset();
    }

    void sync() {
        SyncSourceState state;
        {
            auto tx = store_.beginRead();
            state = tx->syncState().findSource(principal_.tenantId, source_.name).value_or(state);
            users_ = loadKnown(*tx, principal_.tenantId, source_.name, SyncObjectKind::user);
            groups_ = loadKnown(*tx, principal_.tenantId, source_.name, SyncObjectKind::group);
        }
        for (const auto& [anchor, known] : users_) activeKnown_ += known.missing ? 0 : 1;
        const bool fullDue = source_.fullSyncIntervalSeconds > 0 &&
                             (!state.lastFullSyncAt ||
                              nowMillis() - *state.lastFullSyncAt >=
                                  static_cast<Timestamp>(source_.fullSyncIntervalSeconds) * 1000);
        full_ = options_.full || state.cookie.empty() || fullDue ||
                source_.incremental == config::IncrementalMethod::none;

        reader_ = makeReader(source_, mapping_);
        std::string readerCookie = state.cookie;
        if (!source_.roles.empty()) readRoles(readerCookie);
        report_.run.full = full_;
        ReadEvents events;
        events.changed = [&](EntryKind kind, const std::string& anchor, const ldap::Entry& entry) {
            onChanged(kind, anchor, entry);
        };
        events.present = [&](EntryKind kind, const std::string& anchor) { markSeen(kind, anchor); };
        events.gone = [&](EntryKind kind, const std::string& anchor) {
            (kind == EntryKind::user ? goneUsers_ : goneGroups_).push_back(anchor);
        };
        notify("reading");
        const ReadOutcome outcome =
            reader_->read(full_ ? std::string() : readerCookie, full_, events);
        report_.method = outcome.method;
        // A delta that reported every entry (RFC 4533 present phase) is as
        // good as a full scan for finding who is gone.
        const bool complete = full_ || outcome.usersComplete;

        std::vector<DirectoryUserChange> removals = userRemovals(complete);
        const std::int64_t counted =
            disabledKnown_ +
            static_cast<std::int64_t>(
                std::count_if(removals.begin(), removals.end(), [](const DirectoryUserChange& c) {
                    return c.action == DirectoryUserChange::Action::deactivate;
                }));
        if (!options_.ignoreDeletionThreshold && overThreshold(source_, counted, activeKnown_)) {
            report_.run.status = SyncRunStatus::stopped;
            report_.run.message = "stopped before writing: " + std::to_string(counted) + " of " +
                                  std::to_string(activeKnown_) +
                                  " users would be deactivated, over the limit (" +
                                  std::to_string(source_.maxDeletions) + " users / " +
                                  std::to_string(source_.maxDeletionPercent) +
                                  " %); check the source, or run again with --force to accept";
            return;
        }
        appendDeleteAfterSweep(removals);
        std::vector<DirectoryGroupChange> groupRemovals = groupRemovalsOf(outcome.groupsComplete);

        if (options_.dryRun) {
            planAll(removals, groupRemovals);
            return;
        }
        notify("applying");
        flushUsers(pendingUsers_);
        retryUnresolvedManagers();
        flushUsers(removals);
        flushGroups(groupRemovals);

        SyncSourceState next;
        next.cookie = withRolesDigest(outcome.cookie);
        next.lastFullSyncAt =
            complete ? std::optional<Timestamp>(nowMillis()) : state.lastFullSyncAt;
        DirectoryBatch last = newBatch();
        last.sourceState = next;
        commit(last);
    }

    // Role membership through nested groups changes no user entry, so a
    // delta would miss it: when the role map differs from the one of the
    // last run (its digest rides in the cookie), every user is read again.
    void readRoles(std::string& cookie) {
        roleMembers_ = reader_->readRoleMembers();
        std::vector<std::string> lines;
        lines.reserve(roleMembers_.size());
        for (const auto& [dn, roles] : roleMembers_) {
            std::string line = dn;
            for (const std::string& role : roles) line += "\t" + role;
            lines.push_back(std::move(line));
        }
        std::sort(lines.begin(), lines.end());
        std::string all;
        for (const std::string& line : lines) all += line + "\n";
        rolesDigest_ = digest(all);

        auto parts = detail::parseCookie(cookie);
        auto stored = parts.find(rolesDigestKey);
        if (stored == parts.end() || stored->second != rolesDigest_) full_ = true;
        if (stored != parts.end()) parts.erase(stored);
        cookie = detail::formatCookie(parts);
    }

    std::string withRolesDigest(const std::string& cookie) const {
        // No cookie means a full read next time anyway.
        if (source_.roles.empty() || cookie.empty()) return cookie;
        auto parts = detail::parseCookie(cookie);
        parts[rolesDigestKey] = rolesDigest_;
        return detail::formatCookie(parts);
    }

    // The known object of the anchor (nullptr for a new one), marked seen.
    Known* markSeen(EntryKind kind, const std::string& anchor) {
        KnownMap& known = kind == EntryKind::user ? users_ : groups_;
        auto found = known.find(anchor);
        if (found == known.end()) return nullptr;
        Known& object = found->second;
        if (!object.seen && kind == EntryKind::user && !object.missing) ++knownSeen_;
        object.seen = true;
        return &object;
    }

    void onChanged(EntryKind kind, const std::string& anchor, const ldap::Entry& entry) {
        ++report_.run.counts.entriesRead;
        if (report_.run.counts.entriesRead % 1000 == 0) notify("reading");
        const Known* known = markSeen(kind, anchor);
        try {
            if (kind == EntryKind::user) {
                onUser(anchor, entry, known);
            } else {
                onGroup(anchor, entry, known);
            }
        } catch (const Error& error) {
            if (error.code() != ErrorCode::invalid_input) throw;
            recordError({anchor, entry.dn, error.what()});
        }
    }

    void onUser(const std::string& anchor, const ldap::Entry& entry, const Known* known) {
        // Most entries of a full sync are unchanged: recognise them before
        // mapping. The fingerprint covers the DN too, so a moved entry (OU
        // rename) is rewritten for its DN: members and managers refer to it
        // by DN.
        if (known != nullptr && !known->missing &&
            known->fingerprint ==
                mapping_.userFingerprint(entry, reader_->extraValues(), roleMembers_)) {
            ++report_.run.counts.unchanged;
            return;
        }
        MappedUser mapped = mapping_.mapUser(entry, reader_->extraValues(), roleMembers_);
        // A known user the source now marks disabled is a deactivation too:
        // it counts against the deletion threshold like one that is gone.
        if (known != nullptr && !known->missing && mapped.user.status == UserStatus::deactivated) {
            ++disabledKnown_;
        }
        DirectoryUserChange change;
        change.anchor = anchor;
        change.dn = ldap::normalizeDn(entry.dn);
        change.fingerprint = mapped.fingerprint;
        change.user = std::move(mapped.user);
        change.managerDn = std::move(mapped.managerDn);
        pendingUsers_.push_back(std::move(change));
        ++report_.plannedTotal;
        // Writing while reading keeps memory flat on big directories, but
        // only once no deletion threshold can trip any more.
        if (!options_.dryRun && pendingUsers_.size() >= batchSize() && safeToWriteEarly()) {
            flushUsers(pendingUsers_);
        }
    }

    void onGroup(const std::string& anchor, const ldap::Entry& entry, const Known* known) {
        MappedGroup mapped = mapping_.mapGroup(entry, reader_->extraValues());
        std::string dn = ldap::normalizeDn(entry.dn);
        if (known != nullptr && known->fingerprint == mapped.fingerprint && known->dn == dn) {
            return;
        }
        DirectoryGroupChange change;
        change.anchor = anchor;
        change.dn = std::move(dn);
        change.fingerprint = mapped.fingerprint;
        change.displayName = mapped.displayName;
        change.memberDns = std::move(mapped.memberDns);
        pendingGroups_.push_back(std::move(change));
        ++report_.plannedTotal;
    }

    bool safeToWriteEarly() const {
        if (!full_) return false;
        const std::int64_t worstCase = activeKnown_ - knownSeen_ + disabledKnown_;
        return options_.ignoreDeletionThreshold || !overThreshold(source_, worstCase, activeKnown_);
    }

    std::vector<DirectoryUserChange> userRemovals(bool complete) {
        std::unordered_set<std::string> gone(goneUsers_.begin(), goneUsers_.end());
        if (complete) {
            for (const auto& [anchor, known] : users_) {
                if (!known.seen) gone.insert(anchor);
            }
        }
        std::vector<DirectoryUserChange> removals;
        for (const std::string& anchor : gone) {
            auto known = users_.find(anchor);
            if (known == users_.end() || known->second.missing) continue;
            DirectoryUserChange change;
            change.anchor = anchor;
            change.dn = known->second.dn;
            change.action = source_.missingUsers == config::MissingUserPolicy::ignore
                                ? DirectoryUserChange::Action::forget
                                : DirectoryUserChange::Action::deactivate;
            removals.push_back(std::move(change));
        }
        return removals;
    }

    // delete_after: users missing for long enough are deleted (they were
    // deactivated when they went missing).
    void appendDeleteAfterSweep(std::vector<DirectoryUserChange>& removals) const {
        if (source_.missingUsers != config::MissingUserPolicy::delete_after) return;
        const Timestamp cutoff = nowMillis() - source_.deleteAfterDays * millisPerDay;
        for (const auto& [anchor, known] : users_) {
            if (!known.missingSince || *known.missingSince > cutoff) continue;
            if (known.seen) continue;
            DirectoryUserChange change;
            change.anchor = anchor;
            change.dn = known.dn;
            change.action = DirectoryUserChange::Action::remove;
            removals.push_back(std::move(change));
        }
    }

    std::vector<DirectoryGroupChange> groupRemovalsOf(bool complete) {
        std::unordered_set<std::string> gone(goneGroups_.begin(), goneGroups_.end());
        if (complete) {
            for (const auto& [anchor, known] : groups_) {
                if (!known.seen) gone.insert(anchor);
            }
        }
        std::vector<DirectoryGroupChange> removals;
        for (const std::string& anchor : gone) {
            auto known = groups_.find(anchor);
            if (known == groups_.end()) continue;
            DirectoryGroupChange change;
            change.action = DirectoryGroupChange::Action::remove;
            change.anchor = anchor;
            change.dn = known->second.dn;
            removals.push_back(std::move(change));
        }
        return removals;
    }

    std::size_t batchSize() const { return static_cast<std::size_t>(source_.batchSize); }

    DirectoryBatch newBatch() const {
        DirectoryBatch batch;
        batch.ownedFields = mapping_.ownedFields();
        batch.createOnlyFields = mapping_.createOnlyFields();
        batch.linkExistingByUserName = source_.linkExistingByUserName;
        batch.identityProvider = source_.name;
        return batch;
    }

    DirectoryBatchOutcome commit(const DirectoryBatch& batch) {
        if (lock_ && !lock_->held()) {
            throw Error(ErrorCode::unavailable, "sync source " + source_.name +
                                                    " lost its run lock (the store connection "
                                                    "dropped); stopped so that no two daemons "
                                                    "write it at once");
        }
        DirectoryBatchOutcome outcome = service_.apply(principal_, source_.name, batch);
        addCounts(report_.run.counts, outcome.counts);
        for (DirectoryEntryError& error : outcome.errors) recordError(std::move(error));
        report_.unresolvedMembers += outcome.unresolvedMembers;
        applied_ += static_cast<std::int64_t>(batch.users.size() + batch.groups.size());
        ++report_.batches;
        notify("applying");
        if (options_.afterBatch) options_.afterBatch(static_cast<int>(report_.batches));
        return outcome;
    }

    void flushUsers(std::vector<DirectoryUserChange>& changes) {
        for (std::size_t at = 0; at < changes.size(); at += batchSize()) {
            DirectoryBatch batch = newBatch();
            const std::size_t end = std::min(changes.size(), at + batchSize());
            batch.users.assign(std::make_move_iterator(changes.begin() + static_cast<long>(at)),
                               std::make_move_iterator(changes.begin() + static_cast<long>(end)));
            const DirectoryBatchOutcome outcome = commit(batch);
            // Users whose manager was not in yet get a second try at the end.
            if (!outcome.unresolvedManagers.empty()) {
                const std::unordered_set<std::string> pending(outcome.unresolvedManagers.begin(),
                                                              outcome.unresolvedManagers.end());
                for (DirectoryUserChange& change : batch.users) {
                    if (pending.count(change.anchor) > 0) {
                        withManager_.emplace(change.anchor, std::move(change));
                    }
                }
            }
        }
        changes.clear();
    }

    // A manager read after the people it manages is resolved now.
    void retryUnresolvedManagers() {
        std::vector<DirectoryUserChange> retry;
        for (auto& [anchor, change] : withManager_) retry.push_back(std::move(change));
        withManager_.clear();
        if (retry.empty()) return;
        // The first pass counted them already.
        const SyncRunCounts before = report_.run.counts;
        flushUsers(retry);
        report_.run.counts.created = before.created;
        report_.run.counts.updated = before.updated;
        report_.run.counts.unchanged = before.unchanged;
        // Managers still unknown now are outside the scope; the user stays
        // without one and the next run tries again.
        withManager_.clear();
    }

    void flushGroups(std::vector<DirectoryGroupChange>& removals) {
        // Records first, in batches, so that every group exists before any
        // membership names it (nested groups); then memberships.
        for (std::size_t at = 0; at < pendingGroups_.size(); at += batchSize()) {
            DirectoryBatch batch = newBatch();
            const std::size_t end = std::min(pendingGroups_.size(), at + batchSize());
            for (std::size_t i = at; i < end; ++i) {
                DirectoryGroupChange record = pendingGroups_[i];
                record.memberDns.reset();
                batch.groups.push_back(std::move(record));
            }
            commit(batch);
        }
        for (std::size_t at = 0; at < pendingGroups_.size(); at += batchSize()) {
            DirectoryBatch batch = newBatch();
            const std::size_t end = std::min(pendingGroups_.size(), at + batchSize());
            batch.groups.assign(pendingGroups_.begin() + static_cast<long>(at),
                                pendingGroups_.begin() + static_cast<long>(end));
            // Records were written above; only memberships remain. Renames
            // are idempotent, so applying the record again costs a lookup.
            commit(batch);
        }
        for (std::size_t at = 0; at < removals.size(); at += batchSize()) {
            DirectoryBatch batch = newBatch();
            const std::size_t end = std::min(removals.size(), at + batchSize());
            batch.groups.assign(removals.begin() + static_cast<long>(at),
                                removals.begin() + static_cast<long>(end));
            commit(batch);
        }
    }

    void planAll(const std::vector<DirectoryUserChange>& removals,
                 const std::vector<DirectoryGroupChange>& groupRemovals) {
        auto tx = store_.beginRead();
        const std::set<UserField>& owned = mapping_.ownedFields();
        for (const DirectoryUserChange& change : pendingUsers_) {
            auto known = users_.find(change.anchor);
            std::optional<User> stored;
            if (known != users_.end()) {
                stored = tx->users().findById(principal_.tenantId, known->second.resourceId);
            }
            PlannedChange planned{
                stored ? "update" : "create", change.anchor, change.dn, change.user.userName, {}};
            if (stored) {
                User after = *stored;
                std::set<UserField> updatable = owned;
                for (UserField field : mapping_.createOnlyFields()) updatable.erase(field);
                updatable.erase(UserField::manager);  // compared as DNs below
                applyOwnedFields(after, change.user, updatable);
                for (UserField field : updatable) {
                    const std::string before = ownedFieldValue(*stored, field);
                    const std::string now = ownedFieldValue(after, field);
                    if (before != now)
                        planned.diffs.push_back({std::string(toString(field)), before, now});
                }
                if (change.managerDn && known->second.dn != *change.managerDn) {
                    planned.diffs.push_back({"manager", "", *change.managerDn});
                }
                ++report_.run.counts.updated;
            } else {
                for (UserField field : owned) {
                    const std::string value = ownedFieldValue(change.user, field);
                    if (!value.empty())
                        planned.diffs.push_back({std::string(toString(field)), "", value});
                }
                ++report_.run.counts.created;
            }
            addPlanned(std::move(planned));
        }
        for (const DirectoryUserChange& change : removals) {
            const bool deactivate = change.action == DirectoryUserChange::Action::deactivate;
            const bool remove = change.action == DirectoryUserChange::Action::remove;
            if (!deactivate && !remove) continue;
            auto known = users_.find(change.anchor);
            std::optional<User> stored =
                known == users_.end()
                    ? std::nullopt
                    : tx->users().findById(principal_.tenantId, known->second.resourceId);
            addPlanned({deactivate ? "deactivate" : "delete",
                        change.anchor,
                        change.dn,
                        stored ? stored->userName : "",
                        {}});
            ++(deactivate ? report_.run.counts.deactivated : report_.run.counts.deleted);
        }
        for (const DirectoryGroupChange& change : pendingGroups_) {
            const bool exists = groups_.count(change.anchor) > 0;
            addPlanned({exists ? "group.update" : "group.create",
                        change.anchor,
                        change.dn,
                        change.displayName,
                        {{"members", "", std::to_string(change.memberDns->size()) + " members"}}});
            ++(exists ? report_.run.counts.groupsUpdated : report_.run.counts.groupsCreated);
        }
        for (const DirectoryGroupChange& change : groupRemovals) {
            addPlanned({"group.delete", change.anchor, change.dn, "", {}});
            ++report_.run.counts.groupsDeleted;
        }
    }

    void addPlanned(PlannedChange change) {
        if (report_.plan.size() < SyncEngine::maxPlanned) report_.plan.push_back(std::move(change));
    }

    void recordError(DirectoryEntryError error) {
        ++report_.run.counts.errors;
        if (report_.errors.size() < maxReportedErrors) report_.errors.push_back(std::move(error));
    }

    void notify(const char* phase) {
        if (!options_.progress) return;
        SyncProgress progress;
        progress.phase = phase;
        progress.entriesRead = report_.run.counts.entriesRead;
        progress.changesPlanned = report_.plannedTotal;
        progress.changesApplied = applied_;
        progress.elapsedSeconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
        options_.progress(progress);
    }

    Store& store_;
    const config::SyncSourceConfig& source_;
    const RunOptions& options_;
    Principal principal_;
    EntryMapping mapping_;
    DirectorySyncService service_;
    std::chrono::steady_clock::time_point started_;
    std::unique_ptr<ExclusiveLock> lock_;  // held by a run that writes
    SyncReport report_;
    std::unique_ptr<DirectoryReader> reader_;
    bool full_ = false;
    RoleMembers roleMembers_;
    std::string rolesDigest_;

    KnownMap users_;
    KnownMap groups_;
    std::int64_t activeKnown_ = 0;
    std::int64_t disabledKnown_ = 0;  // known users the source now marks disabled
    std::int64_t knownSeen_ = 0;
    std::vector<std::string> goneUsers_;
    std::vector<std::string> goneGroups_;
    std::vector<DirectoryUserChange> pendingUsers_;
    std::vector<DirectoryGroupChange> pendingGroups_;
    std::unordered_map<std::string, DirectoryUserChange> withManager_;
    std::int64_t applied_ = 0;
};

}  // namespace

SyncEngine::SyncEngine(Store& store, const config::SyncSourceConfig& source, Id tenantId)
    : store_(store), source_(source), tenantId_(tenantId) {}

SyncReport SyncEngine::run(const RunOptions& options) {
    Run run(store_, source_, tenantId_, options);
    return run.execute();
}

}  // namespace muster::sync
