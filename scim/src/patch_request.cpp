// The PatchOp envelope (RFC 7644 §3.5.2): {"schemas": [...], "Operations": [...]}.

#include <algorithm>

#include "muster/core/error.hpp"
#include "muster/scim/patch.hpp"
#include "patch_internal.hpp"

namespace muster::scim {

using nlohmann::json;
using patch_detail::findMember;

namespace {

[[noreturn]] void badSyntax(const std::string& message, const std::string& attribute = {}) {
    throw Error(ErrorCode::invalid_syntax, message, attribute);
}

// Some clients omit "schemas"; when it is there it must name PatchOp.
void checkSchemas(const json& body) {
    const json* schemas = findMember(body, "schemas");
    if (schemas == nullptr || schemas->is_null()) return;
    const json list = schemas->is_array() ? *schemas : json::array({*schemas});
    const bool named = std::any_of(list.begin(), list.end(), [](const json& urn) {
        return urn.is_string() && equalsIgnoreCase(urn.get<std::string>(), kPatchOpSchema);
    });
    if (!named)
        badSyntax("a PATCH body must list the schema " + std::string(kPatchOpSchema), "schemas");
}

const json& operationsOf(const json& body) {
    const json* operations = findMember(body, "Operations");
    if (operations == nullptr || !operations->is_array()) {
        badSyntax("a PATCH body needs \"Operations\": a list of operations", "Operations");
    }
    if (operations->empty()) badSyntax("\"Operations\" is empty: nothing to do", "Operations");
    if (operations->size() > kMaxPatchOperations) {
        throw Error(ErrorCode::too_many,
                    "a PATCH request may hold at most " + std::to_string(kMaxPatchOperations) +
                        " operations",
                    "Operations");
    }
    return *operations;
}

// Entra ID capitalises op names ("Replace"); RFC 7644 writes them in lower case.
PatchOperation::Op opOf(const json& operation) {
    const json* op = findMember(operation, "op");
    const std::string name = op != nullptr && op->is_string() ? op->get<std::string>() : "";
    if (equalsIgnoreCase(name, "add")) return PatchOperation::Op::add;
    if (equalsIgnoreCase(name, "replace")) return PatchOperation::Op::replace;
    if (equalsIgnoreCase(name, "remove")) return PatchOperation::Op::remove;
    throw Error(ErrorCode::invalid_input,
                "\"op\" must be add, replace or remove, not " +
                    (op ? op->dump(-1, ' ', false, json::error_handler_t::replace) : "missing"),
                "op");
}

std::optional<PatchPath> pathOf(const json& operation, int filterMaxDepth) {
    const json* path = findMember(operation, "path");
    if (path == nullptr || path->is_null()) return std::nullopt;
    if (!path->is_string()) {
        throw Error(ErrorCode::invalid_path, "\"path\" must be a string", "path");
    }
    return parsePatchPath(path->get<std::string>(), filterMaxDepth);
}

PatchOperation operationOf(const json& operation, int filterMaxDepth) {
    if (!operation.is_object()) badSyntax("each of \"Operations\" must be an object", "Operations");
    PatchOperation parsed;
    parsed.op = opOf(operation);
    parsed.path = pathOf(operation, filterMaxDepth);
    const json* value = findMember(operation, "value");
    if (value != nullptr) parsed.value = *value;
    if (parsed.op == PatchOperation::Op::remove) {
        // RFC 7644 §3.5.2.2: without a path, remove has nothing to act on.
        if (!parsed.path) throw Error(ErrorCode::no_target, "remove needs a \"path\"", "path");
    } else if (value == nullptr) {
        throw Error(ErrorCode::invalid_input, "add and replace need a \"value\"", "value");
    }
    return parsed;
}

}  // namespace

std::vector<PatchOperation> parsePatchRequest(const json& body, int filterMaxDepth) {
    if (!body.is_object()) badSyntax("a PATCH body must be a JSON object");
    checkSchemas(body);
    std::vector<PatchOperation> operations;
    for (const json& operation : operationsOf(body)) {
        operations.push_back(operationOf(operation, filterMaxDepth));
    }
    return operations;
}

}  // namespace muster::scim
