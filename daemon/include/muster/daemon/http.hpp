#pragma once

// The daemon's own view of an HTTP exchange. Handlers see these plain structs,
// not Poco types, so they stay small and testable.

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "muster/core/principal.hpp"

namespace muster::daemon {

struct HttpRequest {
    std::string method;
    std::string path;  // decoded, without the query string
    // Query parameters with lower-cased names: SCIM clients send `startindex`
    // as well as `startIndex`.
    std::multimap<std::string, std::string> query;
    std::map<std::string, std::string> headers;  // lower-cased names
    std::string body;
    std::string remoteAddress;
    bool secure = false;  // arrived over HTTPS
    std::map<std::string, std::string> pathParams;  // from the route pattern
    std::optional<Principal> principal;             // set for authenticated routes

    std::optional<std::string> header(const std::string& lowerCaseName) const;
    std::optional<std::string> queryParam(const std::string& lowerCaseName) const;
    const std::string& pathParam(const std::string& name) const;
    // The authenticated principal; only call on routes that require a token.
    const Principal& caller() const;
};

struct HttpResponse {
    int status = 200;
    std::string contentType = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;

    static HttpResponse json(int status, std::string body);
    static HttpResponse noContent();
};

}  // namespace muster::daemon
