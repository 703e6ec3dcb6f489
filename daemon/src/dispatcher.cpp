#include "muster/daemon/dispatcher.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <algorithm>
#include <chrono>
#include <iostream>

#include "muster/daemon/errors.hpp"

namespace muster::daemon {

namespace {

std::string lowerCase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

struct BodyTooLarge {};

std::string readBody(Poco::Net::HTTPServerRequest& request, std::int64_t limit) {
    if (request.hasContentLength() && request.getContentLength64() > limit) throw BodyTooLarge{};
    std::string body;
    std::istream& in = request.stream();
    char buffer[16384];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        body.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (static_cast<std::int64_t>(body.size()) > limit) throw BodyTooLarge{};
    }
    return body;
}

// Reads and drops what is left of an over-limit body, up to a bound, so that a
// client still sending gets to read the 413 instead of a connection reset.
void discardRestOfBody(Poco::Net::HTTPServerRequest& request) {
    constexpr std::int64_t maxDiscardBytes = 16 * 1024 * 1024;
    if (request.hasContentLength() && request.getContentLength64() > maxDiscardBytes) return;
    std::istream& in = request.stream();
    char buffer[16384];
    std::int64_t discarded = 0;
    while (discarded < maxDiscardBytes && (in.read(buffer, sizeof buffer) || in.gcount() > 0)) {
        discarded += in.gcount();
    }
}

HttpRequest toHttpRequest(Poco::Net::HTTPServerRequest& request) {
    HttpRequest out;
    out.method = request.getMethod();
    Poco::URI uri(request.getURI());
    out.path = uri.getPath();
    for (const auto& [name, value] : uri.getQueryParameters()) {
        out.query.emplace(lowerCase(name), value);
    }
    for (const auto& [name, value] : request) out.headers[lowerCase(name)] = value;
    out.remoteAddress = request.clientAddress().host().toString();
    out.secure = request.secure();
    return out;
}

std::optional<std::string> bearerSecret(const HttpRequest& request) {
    std::optional<std::string> authorization = request.header("authorization");
    if (!authorization || authorization->size() < 7) return std::nullopt;
    if (lowerCase(authorization->substr(0, 7)) != "bearer ") return std::nullopt;
    std::string secret = authorization->substr(7);
    secret.erase(0, secret.find_first_not_of(' '));
    return secret;
}

void authenticate(ServerContext& context, HttpRequest& request) {
    // A signed-in user: session cookie or bearer session token.
    if (context.auth && authenticateSession(*context.auth, request)) return;
    std::optional<std::string> secret = bearerSecret(request);
    if (!secret) throw Error(ErrorCode::unauthorized, "a bearer token is required");
    request.principal = context.tokens.authenticate(*secret);
    if (!request.principal) throw Error(ErrorCode::unauthorized, "the bearer token is not valid");
    // The admin API unless a handler says otherwise (SCIM: "scim").
    request.principal->actor.source = "admin";
    request.principal->actor.sourceAddress = request.remoteAddress;
    request.principal->actor.userAgent = request.header("user-agent").value_or("");
}

void send(const HttpResponse& out, Poco::Net::HTTPServerResponse& response) {
    // With its reason phrase ("201 Created"); setStatus alone keeps "OK".
    response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(out.status));
    for (const auto& [name, value] : out.headers) {
        // Several cookies are several headers; everything else is one.
        if (name == "Set-Cookie") {
            response.add(name, value);
        } else {
            response.set(name, value);
        }
    }
    if (out.status == 204 || out.status == 304) {
        response.setContentLength(0);
        response.send();
        return;
    }
    if (!out.contentType.empty()) response.setContentType(out.contentType);
    response.setContentLength64(static_cast<Poco::Int64>(out.body.size()));
    response.sendBuffer(out.body.data(), out.body.size());
}

}  // namespace

void RequestDispatcher::handleRequest(Poco::Net::HTTPServerRequest& request,
                                      Poco::Net::HTTPServerResponse& response) {
    const auto started = std::chrono::steady_clock::now();
    ++context_.inFlight;
    HttpRequest in;
    HttpResponse out;
    std::string routeLabel = "unmatched";
    try {
        in = toHttpRequest(request);
        Router::Match match = context_.router.match(in.method, in.path);
        if (match.route == nullptr) {
            out = match.pathExists ? errorResponse(405, "method " + in.method + " is not allowed here")
                                   : errorResponse(404, "no such endpoint: " + in.path);
        } else {
            routeLabel = match.route->pattern;
            in.pathParams = std::move(match.params);
            in.body = readBody(request, context_.config.listen.maxBodyBytes);
            if (match.route->access == Access::token) authenticate(context_, in);
            out = match.route->handler(in);
        }
    } catch (const BodyTooLarge&) {
        out = errorResponse(413, "request body is larger than the limit of " +
                                     std::to_string(context_.config.listen.maxBodyBytes) +
                                     " bytes (listen.max_body_bytes)");
        try {
            discardRestOfBody(request);
        } catch (const Poco::Exception&) {
            // The client gave up; the connection closes below anyway.
        }
        response.setKeepAlive(false);
    } catch (const Error& error) {
        out = errorResponse(error);
        if (error.code() == ErrorCode::internal) {
            std::cerr << "musterd: internal error on " << in.method << " " << routeLabel << ": "
                      << error.what() << std::endl;
        }
    } catch (const std::exception& error) {
        // A bug or an unexpected library failure: log it, answer 500 without details.
        std::cerr << "musterd: unexpected error on " << in.method << " " << routeLabel << ": "
                  << error.what() << std::endl;
        out = errorResponse(500, "internal error");
    }
    // SCIM clients get SCIM's media type on errors too (RFC 7644 §3.1).
    if (out.status >= 400 && in.path.rfind("/scim/", 0) == 0) {
        out.contentType = "application/scim+json";
    }
    send(out, response);

    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    --context_.inFlight;
    context_.metrics.observeRequest(routeLabel, in.method, out.status, seconds);
    context_.accessLog.write(AccessLogEntry{
        in.method, in.path, routeLabel, out.status, seconds * 1000.0, out.body.size(),
        in.remoteAddress, in.principal ? in.principal->tenantName : "",
        in.principal ? in.principal->actor.id : ""});
}

}  // namespace muster::daemon
