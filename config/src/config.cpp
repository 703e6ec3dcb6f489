#include "muster/config/config.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "muster/core/error.hpp"
#include "auth_config.hpp"
#include "sync_config_reader.hpp"
#include "yaml_field.hpp"

namespace muster::config {
namespace {

using detail::Field;

constexpr int maxPort = 65535;
constexpr int maxThreads = 1024;
constexpr int maxPoolSize = 256;
constexpr int maxRoleRank = 1000000;

// Lets CI and tests point any existing config file at another store.
constexpr const char* storeUrlVariable = "MUSTER_STORE_URL";

[[noreturn]] void failWithoutLine(const std::string& message) {
    throw Error(ErrorCode::invalid_input, message);
}

void readTls(const Field& tls, TlsConfig& out) {
    tls.readMapping({
        {"enabled", [&](const Field& f) { out.enabled = f.boolean(); }},
        {"address", [&](const Field& f) { out.address = f.nonEmptyString(); }},
        {"port", [&](const Field& f) { out.port = f.integer(1, maxPort); }},
        {"certificate_file", [&](const Field& f) { out.certificateFile = f.string(); }},
        {"private_key_file", [&](const Field& f) { out.privateKeyFile = f.string(); }},
        {"ca_file", [&](const Field& f) { out.caFile = f.string(); }},
    });
    if (!out.enabled) return;
    // Caught here rather than when the HTTPS server starts, with the line to fix.
    const char* problem = "required when listen.tls.enabled is true";
    if (out.certificateFile.empty()) tls.absentChild("certificate_file").fail(problem);
    if (out.privateKeyFile.empty()) tls.absentChild("private_key_file").fail(problem);
}

void readListen(const Field& listen, ListenConfig& out) {
    listen.readMapping({
        {"address", [&](const Field& f) { out.address = f.nonEmptyString(); }},
        {"port", [&](const Field& f) { out.port = f.integer(1, maxPort); }},
        {"threads", [&](const Field& f) { out.threads = f.integer(1, maxThreads); }},
        {"max_queued", [&](const Field& f) { out.maxQueued = f.integer(1); }},
        {"keep_alive", [&](const Field& f) { out.keepAlive = f.boolean(); }},
        {"keep_alive_timeout_seconds",
         [&](const Field& f) { out.keepAliveTimeoutSeconds = f.integer(1); }},
        {"max_body_bytes", [&](const Field& f) { out.maxBodyBytes = f.integer(std::int64_t{1}); }},
        {"tls", [&](const Field& f) { readTls(f, out.tls); }},
    });
}

// An empty string when the URL names a store we can open, else why not.
// The URL itself is never echoed: it may carry a database password.
std::string storeUrlProblem(const std::string& url) {
    if (url.rfind("sqlite:", 0) == 0) {
        return url == "sqlite:" || url == "sqlite://" ? "sqlite: URL has no file path" : "";
    }
    if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) return "";
    return "unknown scheme, must start with sqlite:, postgresql:// or postgres://";
}

std::optional<std::string> storeUrlFromEnvironment() {
    const char* value = std::getenv(storeUrlVariable);
    // Set but empty (`MUSTER_STORE_URL= musterd`) means "not overridden".
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
}

// store.url is the one key without a default, so it is settled after the
// store mapping is read; a missing URL is reported at the store: line.
std::string resolveStoreUrl(const Field& store, const std::optional<Field>& url) {
    if (auto fromEnvironment = storeUrlFromEnvironment()) {
        if (auto problem = storeUrlProblem(*fromEnvironment); !problem.empty()) {
            failWithoutLine(std::string(storeUrlVariable) + ": " + problem);
        }
        return *fromEnvironment;
    }
    if (!url) store.failMissing("url");
    std::string value = url->nonEmptyString();
    if (auto problem = storeUrlProblem(value); !problem.empty()) url->fail(problem);
    return value;
}

void readStore(const Field& store, StoreConfig& out) {
    std::optional<Field> url;
    store.readMapping({
        {"url",
         [&](const Field& f) {
             f.string();  // wrong types are reported even when the environment overrides
             url.emplace(f);
         }},
        {"pool_size", [&](const Field& f) { out.poolSize = f.integer(1, maxPoolSize); }},
        {"busy_timeout_ms", [&](const Field& f) { out.busyTimeoutMs = f.integer(1); }},
    });
    out.url = resolveStoreUrl(store, url);
}

void readLog(const Field& log, LogConfig& out) {
    log.readMapping({
        {"level",
         [&](const Field& f) {
             out.level = f.string();
             if (out.level != "error" && out.level != "warning" && out.level != "info" &&
                 out.level != "debug") {
                 f.fail("must be one of error, warning, info, debug, got \"" + out.level + "\"");
             }
         }},
        {"access_log", [&](const Field& f) { out.accessLog = f.boolean(); }},
    });
}

void readScim(const Field& scim, ScimConfig& out) {
    scim.readMapping({
        {"default_count", [&](const Field& f) { out.defaultCount = f.integer(1); }},
        {"max_results", [&](const Field& f) { out.maxResults = f.integer(1); }},
        {"bulk_max_operations", [&](const Field& f) { out.bulkMaxOperations = f.integer(1); }},
        {"bulk_max_payload_bytes",
         [&](const Field& f) { out.bulkMaxPayloadBytes = f.integer(std::int64_t{1}); }},
        {"filter_max_depth", [&](const Field& f) { out.filterMaxDepth = f.integer(1); }},
    });
}

RoleConfig readRole(const Field& item, std::map<std::string, int>& lineByName) {
    RoleConfig role;
    bool hasName = false;
    bool hasRank = false;
    item.readMapping({
        {"name",
         [&](const Field& f) {
             role.name = f.nonEmptyString();
             hasName = true;
             if (auto seen = lineByName.find(role.name); seen != lineByName.end()) {
                 f.fail("duplicate role \"" + role.name + "\", first defined on line " +
                        std::to_string(seen->second));
             }
             lineByName.emplace(role.name, f.line());
         }},
        {"rank",
         [&](const Field& f) {
             role.rank = f.integer(0, maxRoleRank);
             hasRank = true;
         }},
    });
    if (!hasName) item.failMissing("name");
    if (!hasRank) item.failMissing("rank");
    return role;
}

// A roles list replaces the default catalogue as a whole.
void readRoles(const Field& roles, std::vector<RoleConfig>& out) {
    std::vector<RoleConfig> catalogue;
    std::map<std::string, int> lineByName;
    roles.readList([&](const Field& item) { catalogue.push_back(readRole(item, lineByName)); });
    // Every tenant needs at least one role to give its first administrator.
    if (catalogue.empty()) roles.fail("must list at least one role");
    out = std::move(catalogue);
}

void readDocument(const Field& document, Config& out) {
    bool hasStore = false;
    document.readMapping({
        {"listen", [&](const Field& f) { readListen(f, out.listen); }},
        {"store",
         [&](const Field& f) {
             readStore(f, out.store);
             hasStore = true;
         }},
        {"log", [&](const Field& f) { readLog(f, out.log); }},
        {"scim", [&](const Field& f) { readScim(f, out.scim); }},
        {"sync", [&](const Field& f) { detail::readSync(f, out.sync); }},
        {"roles", [&](const Field& f) { readRoles(f, out.roles); }},
        {"auth", [&](const Field& f) { detail::readAuth(f, out.auth); }},
        {"smtp", [&](const Field& f) { detail::readSmtp(f, out.smtp); }},
    });
    // Without a store: section the URL is still required (or comes from the
    // environment); the error then points at the top of the file, not at
    // whichever key happens to come first.
    if (!hasStore) readStore(document.atLine(1).absentChild("store"), out.store);
}

YAML::Node parseYaml(const std::string& yamlText, const std::string& sourceName) {
    try {
        return YAML::Load(yamlText);
    } catch (const YAML::ParserException& error) {
        const int line = error.mark.line >= 0 ? error.mark.line + 1 : 1;
        failWithoutLine(sourceName + ":" + std::to_string(line) + ": invalid YAML: " + error.msg);
    }
}

}  // namespace

Config parseConfig(const std::string& yamlText, const std::string& sourceName) {
    Config config;
    config.sourcePath = sourceName;
    const YAML::Node document = parseYaml(yamlText, sourceName);
    readDocument(Field::root(sourceName, document), config);
    return config;
}

Config loadConfigFile(const std::string& path) {
    // ifstream happily "opens" a directory and then reads nothing.
    if (std::filesystem::is_directory(path)) failWithoutLine(path + ": is a directory");
    std::ifstream file(path);
    if (!file) failWithoutLine(path + ": cannot open: " + std::strerror(errno));
    std::ostringstream text;
    text << file.rdbuf();
    if (file.bad()) failWithoutLine(path + ": cannot read the file");
    return parseConfig(text.str(), path);
}

}  // namespace muster::config
