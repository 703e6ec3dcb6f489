// Keeps docs/openapi.yaml true to the code: every route musterd registers
// under /api/v1, /agent/v1 and /auth/v1 must be described there, with its
// method, and the file must not describe routes that do not exist.

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>

#include "muster/config/config.hpp"
#include "muster/daemon/routes.hpp"
#include "muster/daemon/server_context.hpp"
#include "muster/store/sql_store.hpp"

namespace {

bool isDocumentedApi(const std::string& pattern) {
    for (const char* prefix : {"/api/v1/", "/agent/v1/", "/auth/v1/"}) {
        if (pattern.rfind(prefix, 0) == 0) return true;
    }
    return false;
}

std::string lowerCased(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

using Operation = std::pair<std::string, std::string>;  // pattern, lower-case method

std::set<Operation> registeredOperations() {
    const auto dir =
        std::filesystem::temp_directory_path() / ("muster-routes-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::set<Operation> operations;
    {
        muster::config::Config config;
        auto store = muster::store::openStore({"sqlite://" + (dir / "routes.db").string(), 2});
        store->migrate();
        muster::daemon::ServerContext context(config, *store);
        muster::daemon::registerAllRoutes(context);
        for (const auto& route : context.router.routes()) {
            if (isDocumentedApi(route.pattern)) {
                operations.insert({route.pattern, lowerCased(route.method)});
            }
        }
    }
    std::filesystem::remove_all(dir);
    return operations;
}

std::set<Operation> documentedOperations() {
    const YAML::Node spec = YAML::LoadFile(MUSTER_SOURCE_DIR "/docs/openapi.yaml");
    std::set<Operation> operations;
    static const std::set<std::string> methods = {"get", "put", "post", "patch", "delete"};
    for (const auto& path : spec["paths"]) {
        for (const auto& entry : path.second) {
            const std::string key = entry.first.as<std::string>();
            if (methods.count(key)) operations.insert({path.first.as<std::string>(), key});
        }
    }
    return operations;
}

TEST(DocumentedRoutes, EveryApiRouteIsInTheOpenApiFileAndNothingElse) {
    const std::set<Operation> registered = registeredOperations();
    const std::set<Operation> documented = documentedOperations();
    ASSERT_GT(registered.size(), 20u) << "the admin API registers its routes";
    for (const Operation& operation : registered) {
        EXPECT_TRUE(documented.count(operation))
            << operation.second << " " << operation.first << " is missing from docs/openapi.yaml";
    }
    for (const Operation& operation : documented) {
        EXPECT_TRUE(registered.count(operation))
            << "docs/openapi.yaml describes " << operation.second << " " << operation.first
            << ", which musterd does not serve";
    }
}

}  // namespace
