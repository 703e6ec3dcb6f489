#include "muster/daemon/http.hpp"

#include "muster/core/error.hpp"

namespace muster::daemon {

std::optional<std::string> HttpRequest::header(const std::string& lowerCaseName) const {
    auto found = headers.find(lowerCaseName);
    if (found == headers.end()) return std::nullopt;
    return found->second;
}

std::optional<std::string> HttpRequest::queryParam(const std::string& lowerCaseName) const {
    auto found = query.find(lowerCaseName);
    if (found == query.end()) return std::nullopt;
    return found->second;
}

const std::string& HttpRequest::pathParam(const std::string& name) const {
    auto found = pathParams.find(name);
    if (found == pathParams.end()) {
        throw Error(ErrorCode::internal, "route has no path parameter '" + name + "'");
    }
    return found->second;
}

const Principal& HttpRequest::caller() const {
    if (!principal) throw Error(ErrorCode::unauthorized, "authentication required");
    return *principal;
}

HttpResponse HttpResponse::json(int status, std::string body) {
    HttpResponse response;
    response.status = status;
    response.body = std::move(body);
    return response;
}

HttpResponse HttpResponse::noContent() {
    HttpResponse response;
    response.status = 204;
    response.contentType.clear();
    return response;
}

}  // namespace muster::daemon
