#pragma once

// Store::tryExclusiveLock: PostgreSQL session advisory locks, and a lock
// within the process for SQLite (one daemon per database file).

#include <cstdint>
#include <memory>
#include <string>

#include "muster/core/store.hpp"
#include "store_url.hpp"

namespace muster::store {

// The advisory lock key of a lock name: 64-bit FNV-1a of the name, the same
// in every daemon and build. Two names sharing a key (odds 2^-64) would only
// make their holders wait for each other.
std::int64_t advisoryLockKey(const std::string& name);

std::unique_ptr<ExclusiveLock> tryExclusiveLock(const ConnectionTarget& target,
                                                const std::string& name);

}  // namespace muster::store
