#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace muster {

// The one error type thrown by Muster's modules. The daemon maps each code to
// an HTTP status and a SCIM scimType in a single place (daemon/src/errors.cpp).
enum class ErrorCode {
    invalid_input,        // 400: malformed or out-of-range value
    invalid_filter,       // 400: SCIM filter that does not parse or is unsupported
    invalid_path,         // 400: SCIM PATCH path that does not parse or is unsupported
    invalid_syntax,       // 400: request body is not what the endpoint expects
    invalid_cursor,       // 400: a paging cursor this server did not issue (RFC 9865)
    mutability,           // 400: attempt to change a read-only attribute
    no_target,            // 400: PATCH path that selects nothing where it must
    unauthorized,         // 401: missing or unknown credentials
    forbidden,            // 403: authenticated, but not allowed
    not_found,            // 404
    conflict,             // 409: uniqueness violation or state conflict
    precondition_failed,  // 412: If-Match version mismatch
    payload_too_large,    // 413: body or import over its limit
    too_many,             // 400 tooMany / 429: result or request over a limit
    unavailable,          // 503: store or upstream unreachable
    internal,             // 500: a bug; never expected
};

std::string_view toString(ErrorCode code);

class Error : public std::runtime_error {
public:
    Error(ErrorCode code, std::string message, std::string attribute = {})
        : std::runtime_error(std::move(message)), code_(code), attribute_(std::move(attribute)) {}

    ErrorCode code() const noexcept { return code_; }
    // The attribute (field, key, identifier) the error is about, when there is one.
    const std::string& attribute() const noexcept { return attribute_; }

private:
    ErrorCode code_;
    std::string attribute_;
};

}  // namespace muster
