#include "muster/daemon/router.hpp"

#include <string_view>

namespace muster::daemon {

namespace {

std::vector<std::string_view> splitPath(std::string_view path) {
    std::vector<std::string_view> segments;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t slash = path.find('/', start);
        if (slash == std::string_view::npos) slash = path.size();
        if (slash > start) segments.push_back(path.substr(start, slash - start));
        start = slash + 1;
    }
    return segments;
}

bool isCapture(std::string_view segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Whether the path's segments fit the route's; captures are filled only for
// a route that fits.
bool matchRoute(const Route& route, const std::vector<std::string_view>& actual,
                std::map<std::string, std::string>& params) {
    if (route.segments.size() != actual.size()) return false;
    for (std::size_t i = 0; i < actual.size(); ++i) {
        if (!isCapture(route.segments[i]) && route.segments[i] != actual[i]) return false;
    }
    for (std::size_t i = 0; i < actual.size(); ++i) {
        const std::string& wanted = route.segments[i];
        if (isCapture(wanted)) {
            params.emplace(wanted.substr(1, wanted.size() - 2), std::string(actual[i]));
        }
    }
    return true;
}

}  // namespace

void Router::add(std::string method, std::string pattern, Access access, Handler handler) {
    Route route{std::move(method), std::move(pattern), access, std::move(handler), {}};
    for (std::string_view segment : splitPath(route.pattern)) route.segments.emplace_back(segment);
    routes_.push_back(std::move(route));
}

Router::Match Router::match(const std::string& method, const std::string& path) const {
    Match result;
    // Literal segments win over captures: "/Users/.search" before "/Users/{id}".
    const Route* captureMatch = nullptr;
    std::map<std::string, std::string> captureParams;
    const std::vector<std::string_view> actual = splitPath(path);
    for (const Route& route : routes_) {
        std::map<std::string, std::string> params;
        if (!matchRoute(route, actual, params)) continue;
        result.pathExists = true;
        if (route.method != method) continue;
        if (params.empty()) {
            result.route = &route;
            return result;
        }
        if (captureMatch == nullptr) {
            captureMatch = &route;
            captureParams = std::move(params);
        }
    }
    result.route = captureMatch;
    result.params = std::move(captureParams);
    return result;
}

}  // namespace muster::daemon
