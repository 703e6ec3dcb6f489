// musterctl: Muster's admin CLI. Talks to musterd's admin API; configured by
// MUSTER_URL (default http://127.0.0.1:8080) and MUSTER_TOKEN.

#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "api_client.hpp"
#include "arguments.hpp"
#include "commands.hpp"

namespace musterctl {
namespace {

constexpr int exitUsage = 2;

const char* usageText = R"(usage: musterctl COMMAND [ARGS]

  tenant create NAME                       create a tenant (operator token)
  tenant list                              list tenants (operator token)
  token create --scope S[,S...] [--name N] [--tenant T]
                                           create an API token; prints it once
  token list [--tenant T]                  list tokens (secrets are never shown)
  token revoke ID [--tenant T]             revoke a token
  status                                   is the daemon ready?
  user list [--q TEXT] [--status S] [--role R] [--department D] [--team T] [--tag T]
            [--sort name|role|title|department|created|lastLogin] [--order asc|desc]
  user show ID                             one user as JSON
  user create USERNAME [--email E] [--upn U] [--role R[,R...]] [--display-name N]
  user activate|deactivate|ban|unban ID
  user roles ID --role R[,R...]            replace the user's roles
  user delete ID --confirm USERNAME        delete a deactivated user, permanently
  role list                                the tenant's roles, highest rank first
  sync status [SOURCE]                     directory sources: last run, counts, errors, next run
  sync run SOURCE [--dry-run] [--full] [--force]
                                           run a directory source now, with a progress bar;
                                           --dry-run prints the plan and writes nothing,
                                           --force accepts a run over the deletion threshold

environment: MUSTER_URL (default http://127.0.0.1:8080), MUSTER_TOKEN (required)
)";

std::string optionalText(const nlohmann::json& value) {
    return value.is_string() ? value.get<std::string>() : "-";
}

std::string joinScopes(const nlohmann::json& scopes) {
    std::string joined;
    for (const auto& scope : scopes) {
        if (!joined.empty()) joined += ',';
        joined += scope.get<std::string>();
    }
    return joined;
}

std::string tenantQuery(const Arguments& args) {
    const std::string tenant = args.option("tenant");
    return tenant.empty() ? "" : "?tenant=" + urlEncode(tenant);
}

int tokenCreate(const ApiClient& api, const Arguments& args) {
    std::vector<std::string> scopes = args.listOption("scope");
    if (scopes.empty()) throw UsageError("token create needs --scope (admin, scim, agent, operator)");
    nlohmann::json body = {{"scopes", scopes}, {"name", args.option("name")}};
    if (!args.option("tenant").empty()) body["tenant"] = args.option("tenant");
    const nlohmann::json token = api.post("/api/v1/tokens", body).body;
    std::cout << "token: " << token["token"].get<std::string>() << "\n"
              << "id: " << token["id"] << "  tenant: " << token["tenant"].get<std::string>()
              << "  scopes: " << joinScopes(token["scopes"]) << "\n"
              << "Store it now: it is not shown again.\n";
    return EXIT_SUCCESS;
}

int tokenList(const ApiClient& api, const Arguments& args) {
    const nlohmann::json list = api.get("/api/v1/tokens" + tenantQuery(args)).body;
    std::printf("%-6s %-24s %-22s %-25s %-25s %s\n", "ID", "NAME", "SCOPES", "CREATED", "LAST USED",
                "REVOKED");
    for (const auto& token : list["items"]) {
        std::printf("%-6lld %-24s %-22s %-25s %-25s %s\n", token["id"].get<long long>(),
                    token["name"].get<std::string>().c_str(), joinScopes(token["scopes"]).c_str(),
                    token["created"].get<std::string>().c_str(),
                    optionalText(token["lastUsed"]).c_str(), optionalText(token["revoked"]).c_str());
    }
    return EXIT_SUCCESS;
}

int tokenRevoke(const ApiClient& api, const Arguments& args) {
    const std::string id = args.positional(2, "token revoke needs the token ID");
    api.remove("/api/v1/tokens/" + urlEncode(id) + tenantQuery(args));
    std::cout << "token " << id << " revoked\n";
    return EXIT_SUCCESS;
}

int tenantCreate(const ApiClient& api, const Arguments& args) {
    const std::string name = args.positional(2, "tenant create needs a NAME");
    const nlohmann::json tenant = api.post("/api/v1/tenants", {{"name", name}}).body;
    std::cout << "tenant " << tenant["name"].get<std::string>() << " created (id " << tenant["id"]
              << ")\n";
    return EXIT_SUCCESS;
}

int tenantList(const ApiClient& api, const Arguments&) {
    const nlohmann::json list = api.get("/api/v1/tenants").body;
    std::printf("%-6s %-32s %s\n", "ID", "NAME", "CREATED");
    for (const auto& tenant : list["items"]) {
        std::printf("%-6lld %-32s %s\n", tenant["id"].get<long long>(),
                    tenant["name"].get<std::string>().c_str(),
                    tenant["created"].get<std::string>().c_str());
    }
    return EXIT_SUCCESS;
}

int status(const ApiClient& api, const Arguments&) {
    const nlohmann::json ready = api.get("/readyz").body;
    std::cout << "ready: store " << ready["store"].get<std::string>() << ", schema version "
              << ready["schemaVersion"] << "\n";
    return EXIT_SUCCESS;
}

CommandTable allCommands() {
    CommandTable commands = {
        {"token create", tokenCreate}, {"token list", tokenList},   {"token revoke", tokenRevoke},
        {"tenant create", tenantCreate}, {"tenant list", tenantList}, {"status", status},
    };
    addUserCommands(commands);
    addSyncCommands(commands);
    return commands;
}

int run(const Arguments& args) {
    static const CommandTable commands = allCommands();
    auto found = commands.find(args.commandName(2));
    if (found == commands.end()) found = commands.find(args.commandName(1));
    if (found == commands.end()) throw UsageError("unknown command");

    const char* url = std::getenv("MUSTER_URL");
    const char* token = std::getenv("MUSTER_TOKEN");
    if (token == nullptr || *token == '\0') throw UsageError("MUSTER_TOKEN is not set");
    const ApiClient api(url != nullptr && *url != '\0' ? url : "http://127.0.0.1:8080", token);
    return found->second(api, args);
}

}  // namespace
}  // namespace musterctl

int main(int argc, char** argv) {
    using namespace musterctl;
    try {
        const Arguments args(std::vector<std::string>(argv + 1, argv + argc));
        if (args.wantsHelp()) {
            std::cout << usageText;
            return EXIT_SUCCESS;
        }
        return run(args);
    } catch (const UsageError& error) {
        std::cerr << "musterctl: " << error.what() << "\n\n" << usageText;
        return exitUsage;
    } catch (const ApiError& error) {
        std::cerr << "musterctl: " << error.what() << "\n";
        return EXIT_FAILURE;
    }
}
