#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace musterctl {

// A failed call: the daemon's error detail, or why it could not be reached.
class ApiError : public std::runtime_error {
public:
    ApiError(int status, const std::string& message) : std::runtime_error(message), status(status) {}
    int status;  // HTTP status; 0 when the daemon could not be reached
};

struct ApiResponse {
    int status = 0;
    nlohmann::json body;  // null for empty bodies
};

// Talks JSON to musterd's admin API over HTTP or HTTPS.
class ApiClient {
public:
    ApiClient(std::string baseUrl, std::string token);

    ApiResponse get(const std::string& pathAndQuery) const;
    ApiResponse post(const std::string& path, const nlohmann::json& body) const;
    ApiResponse put(const std::string& path, const nlohmann::json& body) const;
    ApiResponse remove(const std::string& path) const;

private:
    ApiResponse send(const std::string& method, const std::string& pathAndQuery,
                     const std::string* body) const;
    std::string baseUrl_;
    std::string token_;
};

std::string urlEncode(const std::string& text);

}  // namespace musterctl
