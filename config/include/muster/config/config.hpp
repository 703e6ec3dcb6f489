#pragma once

// Muster's typed configuration, read from YAML (config/muster.yaml).
// Every key except store.url has a default; see config/muster.example.yaml.

#include <cstdint>
#include <string>
#include <vector>

#include "muster/config/sync_config.hpp"

#include "muster/config/auth_config.hpp"

namespace muster::config {

struct TlsConfig {
    bool enabled = false;
    std::string address = "127.0.0.1";
    int port = 8443;
    std::string certificateFile;  // PEM; required when enabled
    std::string privateKeyFile;   // PEM; required when enabled
    std::string caFile;           // optional
};

struct ListenConfig {
    std::string address = "127.0.0.1";
    int port = 8080;
    int threads = 16;               // worker threads of the HTTP server
    int maxQueued = 256;            // connections waiting for a worker
    bool keepAlive = true;
    int keepAliveTimeoutSeconds = 15;
    std::int64_t maxBodyBytes = 1024 * 1024;  // 1 MiB; larger bodies get 413
    TlsConfig tls;
};

struct StoreConfig {
    // sqlite:///abs/path.db, sqlite:relative/path.db (relative to the working
    // directory), or postgresql://user:pass@host:port/db
    std::string url;
    int poolSize = 8;
    int busyTimeoutMs = 5000;  // SQLite: how long a writer waits for the lock
};

struct LogConfig {
    std::string level = "info";  // error, warning, info, debug
    bool accessLog = true;       // one JSON line per request on stdout
};

struct ScimConfig {
    int defaultCount = 100;              // page size when the client sends none
    int maxResults = 1000;               // cap on count, advertised in /ServiceProviderConfig
    int bulkMaxOperations = 1000;        // advertised in /ServiceProviderConfig
    std::int64_t bulkMaxPayloadBytes = 1024 * 1024;
    int filterMaxDepth = 32;             // nesting limit of filter expressions
};

struct RoleConfig {
    std::string name;
    int rank = 0;
};

struct Config {
    std::string sourcePath;  // the file this was read from, for messages
    ListenConfig listen;
    StoreConfig store;
    LogConfig log;
    ScimConfig scim;
    SyncConfig sync;  // directory sources (sync_config.hpp)
    // The role catalogue seeded into every new tenant (SPEC T-3).
    std::vector<RoleConfig> roles = {
        {"company_admin", 400}, {"admin", 300}, {"manager", 200}, {"employee", 100}};
    AuthConfig auth;  // sign-in, MFA, sessions, invitations (auth_config.hpp)
    SmtpConfig smtp;
};

// Reads and validates a YAML file. Throws muster::Error(invalid_input) whose
// message names the file, line, key and problem, e.g.
//   config/muster.yaml:12: listen.port: expected an integer, got "80a"
Config loadConfigFile(const std::string& path);

// Same as loadConfigFile for YAML text already in memory; sourceName is used
// in messages in place of the file name.
Config parseConfig(const std::string& yamlText, const std::string& sourceName);

}  // namespace muster::config
