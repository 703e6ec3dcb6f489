// SCIM /Bulk (RFC 7644 §3.7): each operation runs through the same route
// handlers as a single request; bulkId references ("bulkId:x") are replaced
// by the ids of resources created earlier in the request, in dependency
// order, and circular references are refused.

#include <map>
#include <optional>
#include <set>

#include "muster/core/error.hpp"
#include "muster/daemon/errors.hpp"
#include "muster/daemon/routes.hpp"
#include "muster/daemon/scim_support.hpp"

namespace muster::daemon {

namespace {

using nlohmann::json;
using namespace scim_support;

struct BulkOperation {
    std::string method;
    std::string bulkId;
    std::string path;
    json data;
    std::string version;
    std::set<std::string> references;  // bulkIds its data or path refers to
};

constexpr std::string_view kBulkIdPrefix = "bulkId:";

void collectReferences(const json& value, std::set<std::string>& out) {
    if (value.is_string()) {
        const std::string& text = value.get_ref<const std::string&>();
        if (text.rfind(kBulkIdPrefix, 0) == 0) out.insert(text.substr(kBulkIdPrefix.size()));
    } else if (value.is_structured()) {
        for (const json& item : value) collectReferences(item, out);
    }
}

// A path refers to an earlier POST by a segment "bulkId:x" ("/Users/bulkId:x").
std::optional<std::string> pathReference(const std::string& path) {
    const std::size_t at = path.find(kBulkIdPrefix);
    if (at == std::string::npos) return std::nullopt;
    const std::size_t begin = at + kBulkIdPrefix.size();
    return path.substr(begin, path.find('/', begin) - begin);
}

std::string pathWithReference(std::string path,
                              const std::map<std::string, std::string>& createdIds) {
    const std::optional<std::string> reference = pathReference(path);
    if (!reference) return path;
    auto found = createdIds.find(*reference);
    if (found == createdIds.end()) return path;
    const std::size_t at = path.find(kBulkIdPrefix);
    return path.replace(at, kBulkIdPrefix.size() + reference->size(), found->second);
}

void replaceReferences(json& value, const std::map<std::string, std::string>& createdIds) {
    if (value.is_string()) {
        const std::string& text = value.get_ref<const std::string&>();
        if (text.rfind(kBulkIdPrefix, 0) == 0) {
            auto found = createdIds.find(text.substr(kBulkIdPrefix.size()));
            if (found != createdIds.end()) value = found->second;
        }
    } else if (value.is_structured()) {
        for (json& item : value) replaceReferences(item, createdIds);
    }
}

std::string requiredText(const json& op, const char* key, std::size_t index) {
    auto found = op.find(key);
    if (found == op.end() || !found->is_string()) {
        throw Error(ErrorCode::invalid_syntax,
                    "Operations[" + std::to_string(index) + "]." + key + " is required", key);
    }
    return found->get<std::string>();
}

std::vector<BulkOperation> parseOperations(const json& body, int maxOperations) {
    auto operations = body.find("Operations");
    if (operations == body.end() || !operations->is_array()) {
        throw Error(ErrorCode::invalid_syntax, "a BulkRequest needs an Operations list");
    }
    if (static_cast<int>(operations->size()) > maxOperations) {
        throw Error(ErrorCode::payload_too_large,
                    "the bulk request has " + std::to_string(operations->size()) +
                        " operations; maxOperations is " + std::to_string(maxOperations));
    }
    std::vector<BulkOperation> parsed;
    std::set<std::string> bulkIds;
    for (std::size_t i = 0; i < operations->size(); ++i) {
        const json& op = (*operations)[i];
        if (!op.is_object())
            throw Error(ErrorCode::invalid_syntax, "each operation must be an object");
        BulkOperation item;
        item.method = requiredText(op, "method", i);
        std::transform(item.method.begin(), item.method.end(), item.method.begin(), ::toupper);
        item.path = requiredText(op, "path", i);
        item.bulkId = op.value("bulkId", "");
        item.version = op.value("version", "");
        item.data = op.value("data", json());
        if (item.method == "POST" && item.bulkId.empty()) {
            throw Error(ErrorCode::invalid_syntax,
                        "Operations[" + std::to_string(i) + "]: POST needs a bulkId", "bulkId");
        }
        if (!item.bulkId.empty() && !bulkIds.insert(item.bulkId).second) {
            throw Error(ErrorCode::invalid_syntax, "bulkId \"" + item.bulkId + "\" is used twice",
                        "bulkId");
        }
        collectReferences(item.data, item.references);
        if (auto reference = pathReference(item.path)) item.references.insert(*reference);
        parsed.push_back(std::move(item));
    }
    return parsed;
}

json operationResult(const BulkOperation& op, const HttpResponse& response) {
    json result = {{"method", op.method}, {"status", std::to_string(response.status)}};
    if (!op.bulkId.empty()) result["bulkId"] = op.bulkId;
    for (const auto& [name, value] : response.headers) {
        if (name == "Location") result["location"] = value;
        if (name == "ETag") result["version"] = value;
    }
    if (response.status >= 400) result["response"] = json::parse(response.body, nullptr, false);
    return result;
}

class BulkRun {
  public:
    BulkRun(ServerContext& context, const HttpRequest& outer, int failOnErrors)
        : context_(context), outer_(outer), failOnErrors_(failOnErrors) {}

    json run(std::vector<BulkOperation>& operations) {
        std::vector<json> results(operations.size());
        std::vector<bool> done(operations.size(), false);
        // Each pass runs every operation whose references are resolved; a
        // pass that makes no progress leaves only unresolvable ones.
        for (bool progress = true; progress && !stopped();) {
            progress = false;
            for (std::size_t i = 0; i < operations.size() && !stopped(); ++i) {
                if (done[i] || !resolvable(operations[i])) continue;
                results[i] = execute(operations[i]);
                done[i] = progress = true;
            }
        }
        json out = json::array();
        for (std::size_t i = 0; i < operations.size(); ++i) {
            if (done[i]) {
                out.push_back(results[i]);
            } else if (!stopped()) {
                out.push_back(operationResult(
                    operations[i], errorResponse(409,
                                                 "bulkId reference that cannot be resolved "
                                                 "(unknown, failed or circular)",
                                                 "invalidValue")));
                ++errors_;
            }
        }
        return out;
    }

  private:
    bool stopped() const { return failOnErrors_ > 0 && errors_ >= failOnErrors_; }

    bool resolvable(const BulkOperation& op) const {
        return std::all_of(op.references.begin(), op.references.end(),
                           [this](const std::string& id) { return createdIds_.count(id) > 0; });
    }

    json execute(BulkOperation& op) {
        replaceReferences(op.data, createdIds_);
        HttpRequest request;
        request.method = op.method;
        request.path = std::string(kScimPrefix) + pathWithReference(op.path, createdIds_);
        request.headers = outer_.headers;
        request.headers.erase("if-match");
        if (!op.version.empty()) request.headers["if-match"] = op.version;
        request.body = op.data.is_null() ? "" : op.data.dump();
        request.remoteAddress = outer_.remoteAddress;
        request.secure = outer_.secure;
        request.principal = outer_.principal;
        HttpResponse response = dispatch(request);
        if (response.status >= 400) {
            ++errors_;
        } else if (!op.bulkId.empty() && op.method == "POST") {
            json created = json::parse(response.body, nullptr, false);
            if (created.is_object() && created.contains("id"))
                createdIds_[op.bulkId] = created["id"];
        }
        return operationResult(op, response);
    }

    HttpResponse dispatch(HttpRequest& request) {
        Router::Match match = context_.router.match(request.method, request.path);
        const bool allowed =
            match.route != nullptr && request.path.find("/Bulk") == std::string::npos;
        if (!allowed) return errorResponse(400, "unsupported bulk operation path", "invalidPath");
        request.pathParams = std::move(match.params);
        try {
            return match.route->handler(request);
        } catch (const Error& error) {
            return errorResponse(error);
        }
    }

    ServerContext& context_;
    const HttpRequest& outer_;
    int failOnErrors_;
    int errors_ = 0;
    std::map<std::string, std::string> createdIds_;
};

HttpResponse bulk(ServerContext& context, HttpRequest& request) {
    scimCaller(request);
    if (static_cast<std::int64_t>(request.body.size()) > context.config.scim.bulkMaxPayloadBytes) {
        throw Error(ErrorCode::payload_too_large,
                    "the bulk request is larger than maxPayloadSize (" +
                        std::to_string(context.config.scim.bulkMaxPayloadBytes) + " bytes)");
    }
    const json body = parseBody(request);
    std::vector<BulkOperation> operations =
        parseOperations(body, context.config.scim.bulkMaxOperations);
    int failOnErrors = 0;
    if (auto found = body.find("failOnErrors"); found != body.end() && found->is_number_integer()) {
        failOnErrors = std::max(0, found->get<int>());
    }
    BulkRun run(context, request, failOnErrors);
    json response = {{"schemas", {scim::kBulkResponseSchema}}, {"Operations", run.run(operations)}};
    return scimJson(200, response);
}

}  // namespace

void registerScimBulkRoutes(ServerContext& context) {
    context.router.add("POST", std::string(kScimPrefix) + "/Bulk", Access::token,
                       [&context](HttpRequest& r) { return bulk(context, r); });
}

}  // namespace muster::daemon
