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

bool matchPattern(std::string_view pattern, std::string_view path,
                  std::map<std::string, std::string>& params) {
    const auto wanted = splitPath(pattern);
    const auto actual = splitPath(path);
    if (wanted.size() != actual.size()) return false;
    std::map<std::string, std::string> captured;
    for (std::size_t i = 0; i < wanted.size(); ++i) {
        if (isCapture(wanted[i])) {
            captured.emplace(std::string(wanted[i].substr(1, wanted[i].size() - 2)),
                             std::string(actual[i]));
        } else if (wanted[i] != actual[i]) {
            return false;
        }
    }
    params = std::move(captured);
    return true;
}

}  // namespace

void Router::add(std::string method, std::string pattern, Access access, Handler handler) {
    routes_.push_back(Route{std::move(method), std::move(pattern), access, std::move(handler)});
}

Router::Match Router::match(const std::string& method, const std::string& path) const {
    Match result;
    // Literal segments win over captures: "/Users/.search" before "/Users/{id}".
    const Route* captureMatch = nullptr;
    std::map<std::string, std::string> captureParams;
    for (const Route& route : routes_) {
        std::map<std::string, std::string> params;
        if (!matchPattern(route.pattern, path, params)) continue;
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
