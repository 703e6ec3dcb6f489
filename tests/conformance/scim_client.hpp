#pragma once

// Shared by the SCIM conformance tests: a SCIM client on top of the daemon
// harness (application/scim+json, parsed bodies, readable failure output), a
// fixture that starts one musterd per test suite, and small helpers to
// create users and groups.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "daemon_process.hpp"
#include "muster/test/postgres_server.hpp"

namespace muster::conformance {

using nlohmann::json;
using Headers = std::map<std::string, std::string>;

inline constexpr const char* kUserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
inline constexpr const char* kGroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";
inline constexpr const char* kEnterpriseSchema =
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
inline constexpr const char* kMusterSchema = "urn:muster:params:scim:schemas:extension:2.0:User";
inline constexpr const char* kPatchOpSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
inline constexpr const char* kErrorSchema = "urn:ietf:params:scim:api:messages:2.0:Error";
inline constexpr const char* kListResponseSchema =
    "urn:ietf:params:scim:api:messages:2.0:ListResponse";
inline constexpr const char* kSearchRequestSchema =
    "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
inline constexpr const char* kBulkRequestSchema = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
inline constexpr const char* kBulkResponseSchema =
    "urn:ietf:params:scim:api:messages:2.0:BulkResponse";
inline constexpr const char* kScimContentType = "application/scim+json";

// Percent-encodes everything but RFC 3986 unreserved characters, so a
// filter travels as the client wrote it (spaces as %20, never '+').
inline std::string urlEncode(std::string_view text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += c;
        } else {
            out += '%';
            out += hex[byte >> 4];
            out += hex[byte & 0x0F];
        }
    }
    return out;
}

struct ScimResponse {
    int status = 0;
    json body;  // null without a body; the raw text (a JSON string) when it is not JSON
    muster::testing::HttpResult http;

    std::string header(const std::string& lowerCaseName) const { return http.header(lowerCaseName); }
    std::string etag() const { return header("etag"); }
    std::string scimType() const {
        return body.is_object() && body.contains("scimType") && body["scimType"].is_string()
                   ? body["scimType"].get<std::string>()
                   : std::string();
    }
    std::string detail() const {
        return body.is_object() && body.contains("detail") && body["detail"].is_string()
                   ? body["detail"].get<std::string>()
                   : std::string();
    }
    bool isScimJson() const { return header("content-type").rfind(kScimContentType, 0) == 0; }
};

// For assertion messages: `EXPECT_EQ(r.status, 201) << r;`
inline std::ostream& operator<<(std::ostream& out, const ScimResponse& response) {
    return out << "HTTP " << response.status << " " << response.http.body;
}

class ScimClient {
public:
    ScimClient() = default;
    ScimClient(const muster::testing::DaemonProcess* daemon, std::string token)
        : daemon_(daemon), token_(std::move(token)) {}

    const std::string& token() const { return token_; }

    // `path` is relative to /scim/v2, e.g. "/Users?count=10".
    ScimResponse send(const std::string& method, const std::string& path, const std::string& body,
                      Headers headers = {}) const {
        if (!body.empty() && !headers.count("Content-Type")) headers["Content-Type"] = kScimContentType;
        if (!headers.count("Accept")) headers["Accept"] = kScimContentType;
        ScimResponse response;
        response.http = daemon_->request(method, "/scim/v2" + path, body, token_, headers);
        response.status = response.http.status;
        if (!response.http.body.empty()) {
            response.body = json::parse(response.http.body, nullptr, false);
            if (response.body.is_discarded()) response.body = response.http.body;
        }
        return response;
    }

    ScimResponse get(const std::string& path, Headers headers = {}) const {
        return send("GET", path, "", std::move(headers));
    }
    ScimResponse post(const std::string& path, const json& body, Headers headers = {}) const {
        return send("POST", path, body.dump(), std::move(headers));
    }
    ScimResponse put(const std::string& path, const json& body, Headers headers = {}) const {
        return send("PUT", path, body.dump(), std::move(headers));
    }
    ScimResponse patch(const std::string& path, const json& body, Headers headers = {}) const {
        return send("PATCH", path, body.dump(), std::move(headers));
    }
    ScimResponse remove(const std::string& path, Headers headers = {}) const {
        return send("DELETE", path, "", std::move(headers));
    }

    // GET /{resource}?filter=…&{extraQuery}
    ScimResponse list(const std::string& resource, const std::string& filter,
                      const std::string& extraQuery = "") const {
        std::string path = "/" + resource + "?filter=" + urlEncode(filter);
        if (!extraQuery.empty()) path += "&" + extraQuery;
        return get(path);
    }

private:
    const muster::testing::DaemonProcess* daemon_ = nullptr;
    std::string token_;
};

// ---- request bodies ---------------------------------------------------------

inline json patchRequest(const json& operations) {
    return {{"schemas", {kPatchOpSchema}}, {"Operations", operations}};
}

// Lists every extension a body carries (a "urn:…" key) in its "schemas".
inline json withExtensionSchemas(json body) {
    std::vector<std::string> extensions;
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (it.key().rfind("urn:", 0) == 0) extensions.push_back(it.key());
    }
    json& schemas = body["schemas"];
    for (const std::string& urn : extensions) {
        if (std::find(schemas.begin(), schemas.end(), json(urn)) == schemas.end()) schemas.push_back(urn);
    }
    return body;
}

// A minimal core User; `extra` is merged over it (extension keys are added
// to "schemas").
inline json userBody(const std::string& userName, const json& extra = json::object()) {
    json body = {{"schemas", {kUserSchema}}, {"userName", userName}};
    body.update(extra);
    return withExtensionSchemas(body);
}

inline json groupBody(const std::string& displayName, const std::vector<std::string>& memberIds = {}) {
    json body = {{"schemas", {kGroupSchema}}, {"displayName", displayName}};
    if (!memberIds.empty()) {
        json members = json::array();
        for (const std::string& id : memberIds) members.push_back({{"value", id}});
        body["members"] = members;
    }
    return body;
}

// A name no other test of the process uses: "stem-7".
inline std::string uniqueName(const std::string& stem) {
    static std::atomic<int> counter{0};
    return stem + "-" + std::to_string(++counter);
}

// ---- reading responses ------------------------------------------------------

// The value at a JSON pointer ("/name/givenName", "/emails/0/value"); null
// when any part of the path is missing, so a failed expectation prints null
// instead of throwing.
inline json attr(const json& value, const std::string& pointer) {
    const json::json_pointer path(pointer);
    return value.contains(path) ? value.at(path) : json();
}

// A pointer into the enterprise extension: enterprise("/manager/value").
inline std::string enterprise(const std::string& pointer) {
    return std::string("/") + kEnterpriseSchema + pointer;
}

inline std::string idOf(const ScimResponse& response) {
    if (!response.body.is_object() || !response.body.contains("id") || !response.body["id"].is_string()) {
        return {};
    }
    return response.body["id"].get<std::string>();
}

inline const json& resourcesOf(const json& listResponse) {
    static const json empty = json::array();
    if (!listResponse.is_object() || !listResponse.contains("Resources")) return empty;
    return listResponse["Resources"];
}

inline std::vector<std::string> valuesOf(const json& listResponse, const char* attribute) {
    std::vector<std::string> values;
    for (const json& resource : resourcesOf(listResponse)) {
        values.push_back(resource.contains(attribute) && resource[attribute].is_string()
                             ? resource[attribute].get<std::string>()
                             : std::string("<no ") + attribute + ">");
    }
    return values;
}

inline std::set<std::string> userNamesOf(const json& listResponse) {
    auto names = valuesOf(listResponse, "userName");
    return {names.begin(), names.end()};
}

inline std::vector<std::string> idsOf(const json& listResponse) { return valuesOf(listResponse, "id"); }

// Number of results a list says it has; -1 when the field is missing.
inline long long totalOf(const json& listResponse) {
    if (!listResponse.is_object() || !listResponse.contains("totalResults") ||
        !listResponse["totalResults"].is_number_integer()) {
        return -1;
    }
    return listResponse["totalResults"].get<long long>();
}

// "bulk operation status" is a string in RFC 7644's examples; accept a number too.
inline int statusOf(const json& bulkResult) {
    if (!bulkResult.is_object() || !bulkResult.contains("status")) return 0;
    const json& status = bulkResult["status"];
    if (status.is_number_integer()) return status.get<int>();
    if (status.is_string()) return std::atoi(status.get<std::string>().c_str());
    return 0;
}

// The last path segment of a location URL: ".../Users/42" → "42".
inline std::string lastSegment(const std::string& location) {
    const auto slash = location.rfind('/');
    return slash == std::string::npos ? location : location.substr(slash + 1);
}

// ---- fixture ----------------------------------------------------------------

// One musterd per test suite (fresh SQLite store) and a SCIM-scoped token of
// the default tenant. A derived suite that needs a special configuration
// defines its own SetUpTestSuite calling startDaemon(config).
class ScimSuite : public ::testing::Test {
public:
    static void SetUpTestSuite() { startDaemon(); }
    static void TearDownTestSuite() { stopDaemon(); }

protected:
    static void startDaemon(const std::string& extraConfig = "") {
        stopDaemon();
        try {
            muster::testing::DaemonProcess::Options options;
            options.extraConfig = extraConfig;
            if (!chooseStore(options)) return;
            daemon_ = std::make_unique<muster::testing::DaemonProcess>(options);
            scim_ = ScimClient(daemon_.get(), createToken({"scim"}));
            if (scim_.token().empty()) startError_ = "could not create a SCIM token";
        } catch (const std::exception& error) {
            startError_ = error.what();
            daemon_.reset();
        }
    }

    static void stopDaemon() {
        daemon_.reset();
        scim_ = ScimClient();
        startError_.clear();
        skipReason_.clear();
    }

    // MUSTER_CONFORMANCE_STORE=postgresql runs the suite on a fresh database
    // of a real PostgreSQL (ctest does so as scim_conformance_postgresql);
    // the default is a SQLite file. False when there is no store to run on.
    static bool chooseStore(muster::testing::DaemonProcess::Options& options) {
        const char* store = std::getenv("MUSTER_CONFORMANCE_STORE");
        if (store == nullptr || std::string_view(store) != "postgresql") return true;
        std::string whyMissing;
        muster::test::PostgresServer* postgres = muster::test::sharedPostgres(&whyMissing);
        if (postgres == nullptr) {
            if (muster::test::serversRequired()) {
                startError_ = "PostgreSQL is required but missing: " + whyMissing;
            } else {
                skipReason_ = "PostgreSQL is not installed: " + whyMissing;
            }
            return false;
        }
        static int databases = 0;
        options.storeUrl = postgres->createDatabase("conformance_" + std::to_string(++databases));
        return true;
    }

    void SetUp() override {
        if (!skipReason_.empty()) GTEST_SKIP() << skipReason_;
        ASSERT_TRUE(daemon_ != nullptr) << "musterd did not start: " << startError_;
        ASSERT_FALSE(scim_.token().empty()) << startError_;
    }

    static bool running() { return daemon_ != nullptr && !scim_.token().empty(); }
    static muster::testing::DaemonProcess& daemon() { return *daemon_; }
    // The SCIM client of the default tenant.
    static const ScimClient& scim() { return scim_; }

    // A token made with the bootstrap (operator, admin) token; returns the secret.
    static std::string createToken(const std::vector<std::string>& scopes, const std::string& tenant = "") {
        json request = {{"name", uniqueName("conformance")}, {"scopes", scopes}};
        if (!tenant.empty()) request["tenant"] = tenant;
        muster::testing::HttpResult created = daemon_->request("POST", "/api/v1/tokens", request.dump());
        if (created.status != 201) {
            ADD_FAILURE() << "POST /api/v1/tokens: HTTP " << created.status << " " << created.body;
            return {};
        }
        json body = json::parse(created.body, nullptr, false);
        return body.is_object() ? body.value("token", "") : std::string();
    }

    static ScimClient clientFor(const std::string& token) { return ScimClient(daemon_.get(), token); }

    // POST /Users; the new id ("" and a test failure when it was not 201).
    static std::string createUser(const json& body, const ScimClient& client = scim_) {
        ScimResponse created = client.post("/Users", body);
        if (created.status != 201) {
            ADD_FAILURE() << "POST /Users " << body.dump() << ": " << created;
            return {};
        }
        return idOf(created);
    }

    static std::string createGroup(const std::string& displayName,
                                   const std::vector<std::string>& memberIds = {},
                                   const ScimClient& client = scim_) {
        ScimResponse created = client.post("/Groups", groupBody(displayName, memberIds));
        if (created.status != 201) {
            ADD_FAILURE() << "POST /Groups " << displayName << ": " << created;
            return {};
        }
        return idOf(created);
    }

    // The member ids of a group, as GET /Groups/{id} shows them.
    static std::set<std::string> memberIdsOf(const std::string& groupId, const ScimClient& client = scim_) {
        ScimResponse group = client.get("/Groups/" + groupId);
        std::set<std::string> ids;
        if (group.status != 200) {
            ADD_FAILURE() << "GET /Groups/" << groupId << ": " << group;
            return ids;
        }
        if (group.body.contains("members")) {
            for (const json& member : group.body["members"]) ids.insert(member.value("value", "?"));
        }
        return ids;
    }

    // GET /Users/{id} body (null and a test failure when it was not 200).
    static json getUser(const std::string& id, const ScimClient& client = scim_) {
        ScimResponse user = client.get("/Users/" + id);
        if (user.status != 200) {
            ADD_FAILURE() << "GET /Users/" << id << ": " << user;
            return nullptr;
        }
        return user.body;
    }

private:
    static inline std::unique_ptr<muster::testing::DaemonProcess> daemon_;
    static inline ScimClient scim_;
    static inline std::string startError_;
    static inline std::string skipReason_;
};

// Asserts a SCIM error response: status, error schema, status echoed as a
// string (RFC 7644 §3.12) and, when given, scimType.
inline ::testing::AssertionResult isScimError(const ScimResponse& response, int status,
                                              const std::string& scimType = "") {
    if (response.status != status) {
        return ::testing::AssertionFailure() << "expected HTTP " << status << ", got " << response;
    }
    const json& body = response.body;
    if (!body.is_object() || !body.contains("schemas") || !body["schemas"].is_array() ||
        body["schemas"].empty() || body["schemas"][0] != kErrorSchema) {
        return ::testing::AssertionFailure() << "not a SCIM error body: " << response;
    }
    if (body.value("status", json()) != json(std::to_string(status))) {
        return ::testing::AssertionFailure() << "\"status\" must be \"" << status << "\": " << response;
    }
    if (!scimType.empty() && response.scimType() != scimType) {
        return ::testing::AssertionFailure() << "expected scimType " << scimType << ": " << response;
    }
    return ::testing::AssertionSuccess();
}

}  // namespace muster::conformance
