#include "muster/core/error.hpp"

namespace muster {

std::string_view toString(ErrorCode code) {
    switch (code) {
        case ErrorCode::invalid_input: return "invalid_input";
        case ErrorCode::invalid_filter: return "invalid_filter";
        case ErrorCode::invalid_path: return "invalid_path";
        case ErrorCode::invalid_syntax: return "invalid_syntax";
        case ErrorCode::invalid_cursor: return "invalid_cursor";
        case ErrorCode::mutability: return "mutability";
        case ErrorCode::no_target: return "no_target";
        case ErrorCode::unauthorized: return "unauthorized";
        case ErrorCode::forbidden: return "forbidden";
        case ErrorCode::not_found: return "not_found";
        case ErrorCode::conflict: return "conflict";
        case ErrorCode::precondition_failed: return "precondition_failed";
        case ErrorCode::payload_too_large: return "payload_too_large";
        case ErrorCode::too_many: return "too_many";
        case ErrorCode::unavailable: return "unavailable";
        case ErrorCode::internal: return "internal";
    }
    return "internal";
}

}  // namespace muster
