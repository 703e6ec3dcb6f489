#pragma once

#include <functional>
#include <string>
#include <vector>

#include "muster/daemon/http.hpp"

namespace muster::daemon {

using Handler = std::function<HttpResponse(HttpRequest&)>;

enum class Access {
    open,   // no credentials needed (liveness only)
    token,  // a valid bearer token; handlers check scopes
};

struct Route {
    std::string method;
    std::string pattern;  // "/api/v1/tokens/{id}"; also the metrics label
    Access access = Access::token;
    Handler handler;
    // The pattern split on '/', once at add(): matching runs on every request.
    std::vector<std::string> segments;
};

// Matches method + path to a route. Patterns are split on '/', and a segment
// "{name}" captures one path segment into pathParams.
class Router {
public:
    void add(std::string method, std::string pattern, Access access, Handler handler);

    struct Match {
        const Route* route = nullptr;        // null: no route for this method and path
        bool pathExists = false;             // some route has this path (→ 405, not 404)
        std::map<std::string, std::string> params;
    };
    Match match(const std::string& method, const std::string& path) const;
    const std::vector<Route>& routes() const { return routes_; }

private:
    std::vector<Route> routes_;
};

}  // namespace muster::daemon
