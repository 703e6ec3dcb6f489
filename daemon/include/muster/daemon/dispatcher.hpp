#pragma once

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include "muster/daemon/server_context.hpp"

namespace muster::daemon {

// Turns a Poco request into an HttpRequest, enforces the body limit and
// authentication, runs the route's handler, maps errors, and records the
// metrics and the access log line. The only class that touches Poco's
// request and response types.
class RequestDispatcher : public Poco::Net::HTTPRequestHandler {
public:
    explicit RequestDispatcher(ServerContext& context) : context_(context) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override;

private:
    ServerContext& context_;
};

class DispatcherFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit DispatcherFactory(ServerContext& context) : context_(context) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
        return new RequestDispatcher(context_);
    }

private:
    ServerContext& context_;
};

}  // namespace muster::daemon
