#pragma once

#include "muster/core/error.hpp"
#include "muster/daemon/http.hpp"

namespace muster::daemon {

// The one place where muster::Error becomes HTTP: status code, SCIM scimType
// and an RFC 7644 §3.12 error body. Every endpoint answers errors this way.
int httpStatusOf(ErrorCode code);
std::string scimTypeOf(ErrorCode code);  // empty when RFC 7644 defines none
HttpResponse errorResponse(const Error& error);
HttpResponse errorResponse(int status, const std::string& detail,
                           const std::string& scimType = {});

}  // namespace muster::daemon
