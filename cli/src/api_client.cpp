#include "api_client.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <cstdlib>
#include <memory>
#include <sstream>

namespace musterctl {

namespace {

std::unique_ptr<Poco::Net::HTTPClientSession> openSession(const Poco::URI& uri) {
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (uri.getScheme() == "https") {
        // The server certificate is checked against MUSTER_CA_FILE when set,
        // else against the system's trusted CAs.
        const char* caFile = std::getenv("MUSTER_CA_FILE");
        Poco::Net::Context::Ptr context = new Poco::Net::Context(
            Poco::Net::Context::TLS_CLIENT_USE, caFile != nullptr ? caFile : "",
            Poco::Net::Context::VERIFY_RELAXED, 9, caFile == nullptr);
        session = std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(),
                                                                  context);
    } else if (uri.getScheme() == "http") {
        session = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
    } else {
        throw ApiError(0, "MUSTER_URL must start with http:// or https://");
    }
    session->setTimeout(Poco::Timespan(60, 0));
    return session;
}

std::string errorDetail(const ApiResponse& response) {
    if (response.body.is_object() && response.body.contains("detail")) {
        return response.body["detail"].get<std::string>();
    }
    return "HTTP " + std::to_string(response.status);
}

}  // namespace

ApiClient::ApiClient(std::string baseUrl, std::string token)
    : baseUrl_(std::move(baseUrl)), token_(std::move(token)) {
    while (!baseUrl_.empty() && baseUrl_.back() == '/') baseUrl_.pop_back();
}

ApiResponse ApiClient::get(const std::string& pathAndQuery) const {
    return send("GET", pathAndQuery, nullptr);
}

ApiResponse ApiClient::put(const std::string& path, const nlohmann::json& body) const {
    const std::string text = body.dump();
    return send("PUT", path, &text);
}

ApiResponse ApiClient::post(const std::string& path, const nlohmann::json& body) const {
    const std::string text = body.dump();
    return send("POST", path, &text);
}

ApiResponse ApiClient::remove(const std::string& path) const {
    return send("DELETE", path, nullptr);
}

ApiResponse ApiClient::send(const std::string& method, const std::string& pathAndQuery,
                            const std::string* body) const {
    const Poco::URI uri(baseUrl_ + pathAndQuery);
    ApiResponse result;
    try {
        auto session = openSession(uri);
        Poco::Net::HTTPRequest request(method, uri.getPathAndQuery(),
                                       Poco::Net::HTTPMessage::HTTP_1_1);
        request.set("Authorization", "Bearer " + token_);
        request.set("Accept", "application/json");
        if (body != nullptr) {
            request.setContentType("application/json");
            request.setContentLength64(static_cast<Poco::Int64>(body->size()));
        }
        std::ostream& out = session->sendRequest(request);
        if (body != nullptr) out << *body;
        Poco::Net::HTTPResponse response;
        std::istream& in = session->receiveResponse(response);
        std::string text;
        Poco::StreamCopier::copyToString(in, text);
        result.status = response.getStatus();
        if (!text.empty()) result.body = nlohmann::json::parse(text, nullptr, false);
    } catch (const Poco::Exception& error) {
        throw ApiError(0, "cannot reach musterd at " + baseUrl_ + ": " + error.displayText());
    }
    if (result.status >= 400) throw ApiError(result.status, errorDetail(result));
    return result;
}

std::string urlEncode(const std::string& text) {
    std::string encoded;
    Poco::URI::encode(text, "!#$&'()*+,/:;=?@[]%", encoded);
    return encoded;
}

}  // namespace musterctl
