#include "muster/daemon/errors.hpp"

#include <nlohmann/json.hpp>

namespace muster::daemon {

int httpStatusOf(ErrorCode code) {
    switch (code) {
        case ErrorCode::invalid_input:
        case ErrorCode::invalid_filter:
        case ErrorCode::invalid_path:
        case ErrorCode::invalid_syntax:
        case ErrorCode::invalid_cursor:
        case ErrorCode::mutability:
        case ErrorCode::no_target:
        case ErrorCode::too_many: return 400;
        case ErrorCode::unauthorized: return 401;
        case ErrorCode::forbidden: return 403;
        case ErrorCode::not_found: return 404;
        case ErrorCode::conflict: return 409;
        case ErrorCode::precondition_failed: return 412;
        case ErrorCode::payload_too_large: return 413;
        case ErrorCode::unavailable: return 503;
        case ErrorCode::internal: return 500;
    }
    return 500;
}

std::string scimTypeOf(ErrorCode code) {
    switch (code) {
        case ErrorCode::invalid_input: return "invalidValue";
        case ErrorCode::invalid_filter: return "invalidFilter";
        case ErrorCode::invalid_path: return "invalidPath";
        case ErrorCode::invalid_syntax: return "invalidSyntax";
        case ErrorCode::invalid_cursor: return "invalidCursor";
        case ErrorCode::mutability: return "mutability";
        case ErrorCode::no_target: return "noTarget";
        case ErrorCode::too_many: return "tooMany";
        case ErrorCode::conflict: return "uniqueness";
        case ErrorCode::precondition_failed: return "invalidVers";
        default: return "";
    }
}

namespace {

HttpResponse buildError(int status, const std::string& detail, const std::string& scimType,
                        const std::string& attribute) {
    nlohmann::json body = {
        {"schemas", {"urn:ietf:params:scim:api:messages:2.0:Error"}},
        {"status", std::to_string(status)},
        {"detail", detail},
    };
    if (!scimType.empty()) body["scimType"] = scimType;
    if (!attribute.empty()) body["attribute"] = attribute;
    HttpResponse response = HttpResponse::json(status, body.dump());
    if (status == 401) response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"muster\"");
    return response;
}

}  // namespace

HttpResponse errorResponse(int status, const std::string& detail, const std::string& scimType) {
    return buildError(status, detail, scimType, {});
}

HttpResponse errorResponse(const Error& error) {
    return buildError(httpStatusOf(error.code()), error.what(), scimTypeOf(error.code()),
                      error.attribute());
}

}  // namespace muster::daemon
