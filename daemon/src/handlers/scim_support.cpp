#include "muster/daemon/scim_support.hpp"

#include "muster/core/error.hpp"
#include "muster/scim/json_writer.hpp"

namespace muster::daemon::scim_support {

using nlohmann::json;

Principal scimCaller(const HttpRequest& request) {
    Principal caller = request.caller();
    requireScope(caller, {TokenScope::scim, TokenScope::admin});
    caller.actor.source = "scim";
    return caller;
}

json parseBody(const HttpRequest& request) {
    json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded()) {
        throw Error(ErrorCode::invalid_syntax, "the request body is not valid JSON");
    }
    if (!body.is_object()) {
        throw Error(ErrorCode::invalid_syntax, "the request body must be a JSON object");
    }
    return body;
}

scim::Links linksOf(const HttpRequest& request) {
    const std::string host = request.header("host").value_or("localhost");
    return scim::Links{(request.secure ? "https://" : "http://") + host + kScimPrefix};
}

scim::ListLimits limitsOf(const config::Config& config) {
    return scim::ListLimits{config.scim.defaultCount, config.scim.maxResults,
                            config.scim.filterMaxDepth};
}

Id resourceId(const HttpRequest& request, const char* resourceName) {
    const std::string& text = request.pathParam("id");
    std::optional<Id> id = scim::parseId(text);
    if (!id)
        throw Error(ErrorCode::not_found, std::string("no ") + resourceName + " with id " + text);
    return *id;
}

namespace {

// `W/"7"`, `"7"` → 7; std::nullopt for anything else.
std::optional<std::int64_t> versionOfEtag(std::string tag) {
    tag.erase(0, tag.find_first_not_of(' '));
    tag.erase(tag.find_last_not_of(' ') + 1);
    if (tag.rfind("W/", 0) == 0) tag = tag.substr(2);
    if (tag.size() < 3 || tag.front() != '"' || tag.back() != '"') return std::nullopt;
    std::optional<Id> version = scim::parseId(tag.substr(1, tag.size() - 2));
    return version ? std::optional<std::int64_t>(*version) : std::nullopt;
}

}  // namespace

std::optional<std::int64_t> ifMatchVersion(const HttpRequest& request) {
    std::optional<std::string> header = request.header("if-match");
    if (!header || *header == "*") return std::nullopt;
    std::optional<std::int64_t> version = versionOfEtag(*header);
    // A tag we never issued cannot match the current version.
    return version ? *version : -1;
}

bool ifNoneMatchHits(const HttpRequest& request, std::int64_t version) {
    std::optional<std::string> header = request.header("if-none-match");
    if (!header) return false;
    if (*header == "*") return true;
    std::size_t start = 0;
    while (start < header->size()) {
        std::size_t comma = header->find(',', start);
        if (comma == std::string::npos) comma = header->size();
        if (versionOfEtag(header->substr(start, comma - start)) == version) return true;
        start = comma + 1;
    }
    return false;
}

HttpResponse notModified(std::int64_t version) {
    HttpResponse response = HttpResponse::noContent();
    response.status = 304;
    response.headers.emplace_back("ETag", scim::etagOf(version));
    return response;
}

HttpResponse scimJson(int status, std::string body) {
    HttpResponse response = HttpResponse::json(status, std::move(body));
    response.contentType = kScimContentType;
    return response;
}

HttpResponse scimJson(int status, const json& body) { return scimJson(status, body.dump()); }

std::string projected(std::string resource, const scim::Projection& projection,
                      const scim::ResourceTypeDef& type) {
    if (projection.attributes.empty() && projection.excludedAttributes.empty()) return resource;
    return scim::project(json::parse(resource), projection, type).dump();
}

HttpResponse resourceResponse(int status, std::string resource, std::int64_t version,
                              const std::string& location) {
    HttpResponse response = scimJson(status, std::move(resource));
    response.headers.emplace_back("ETag", scim::etagOf(version));
    if (status == 201) response.headers.emplace_back("Location", location);
    return response;
}

std::string listResponse(const std::vector<std::string>& resources, std::int64_t totalResults,
                         const scim::ListRequest& request,
                         const std::optional<std::string>& nextCursor) {
    scim::JsonWriter out;
    out.beginObject().key("schemas").beginArray().value(scim::kListResponseSchema).endArray();
    out.member("totalResults", totalResults)
        .member("itemsPerPage", static_cast<std::int64_t>(resources.size()));
    if (!request.cursorPaging) {
        out.member("startIndex", static_cast<std::int64_t>(request.query.offset + 1));
    } else if (nextCursor) {
        out.member("nextCursor", *nextCursor);
    }
    out.key("Resources").beginArray();
    for (const std::string& resource : resources) out.rawValue(resource);
    out.endArray().endObject();
    return out.take();
}

}  // namespace muster::daemon::scim_support
