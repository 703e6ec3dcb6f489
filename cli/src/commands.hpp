#pragma once

#include <map>
#include <string>

#include "api_client.hpp"
#include "arguments.hpp"

namespace musterctl {

// One musterctl command ("user list"): returns the process exit code.
using Command = int (*)(const ApiClient&, const Arguments&);
using CommandTable = std::map<std::string, Command>;

// The user and role commands (user_commands.cpp).
void addUserCommands(CommandTable& commands);
// sync run / sync status (sync_commands.cpp).
void addSyncCommands(CommandTable& commands);

}  // namespace musterctl
