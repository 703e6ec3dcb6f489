#pragma once

#include "muster/config/sync_config.hpp"
#include "yaml_field.hpp"

namespace muster::config::detail {

// Reads the `sync:` section.
void readSync(const Field& sync, SyncConfig& out);

}  // namespace muster::config::detail
