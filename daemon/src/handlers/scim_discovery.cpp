// SCIM discovery (RFC 7644 §4): generated from the schema registry and the
// configured limits, so it describes exactly what the server does.

#include "muster/core/error.hpp"
#include "muster/daemon/errors.hpp"
#include "muster/daemon/routes.hpp"
#include "muster/daemon/scim_support.hpp"

namespace muster::daemon {

namespace {

using nlohmann::json;
using namespace scim_support;
namespace s = muster::scim;

const char* typeName(s::AttributeType type) {
    switch (type) {
        case s::AttributeType::string:
            return "string";
        case s::AttributeType::boolean:
            return "boolean";
        case s::AttributeType::decimal:
            return "decimal";
        case s::AttributeType::integer:
            return "integer";
        case s::AttributeType::dateTime:
            return "dateTime";
        case s::AttributeType::reference:
            return "reference";
        case s::AttributeType::complex:
            return "complex";
    }
    return "string";
}

const char* mutabilityName(s::Mutability mutability) {
    switch (mutability) {
        case s::Mutability::readOnly:
            return "readOnly";
        case s::Mutability::readWrite:
            return "readWrite";
        case s::Mutability::immutable:
            return "immutable";
        case s::Mutability::writeOnly:
            return "writeOnly";
    }
    return "readWrite";
}

const char* returnedName(s::Returned returned) {
    switch (returned) {
        case s::Returned::always:
            return "always";
        case s::Returned::never:
            return "never";
        case s::Returned::byDefault:
            return "default";
        case s::Returned::request:
            return "request";
    }
    return "default";
}

const char* uniquenessName(s::Uniqueness uniqueness) {
    switch (uniqueness) {
        case s::Uniqueness::none:
            return "none";
        case s::Uniqueness::server:
            return "server";
        case s::Uniqueness::global:
            return "global";
    }
    return "none";
}

json attributeJson(const s::AttributeDef& def) {
    json out = {{"name", def.name},
                {"type", typeName(def.type)},
                {"multiValued", def.multiValued},
                {"description", def.description},
                {"required", def.required},
                {"caseExact", def.caseExact},
                {"mutability", mutabilityName(def.mutability)},
                {"returned", returnedName(def.returned)},
                {"uniqueness", uniquenessName(def.uniqueness)}};
    if (!def.canonicalValues.empty()) out["canonicalValues"] = def.canonicalValues;
    if (!def.referenceTypes.empty()) out["referenceTypes"] = def.referenceTypes;
    if (!def.subAttributes.empty()) {
        json subs = json::array();
        for (const s::AttributeDef& sub : def.subAttributes) subs.push_back(attributeJson(sub));
        out["subAttributes"] = subs;
    }
    return out;
}

json schemaJson(const s::SchemaDef& schema, const s::Links& links) {
    json attributes = json::array();
    for (const s::AttributeDef& def : schema.attributes) {
        // Common attributes (id, externalId, meta) are not part of a schema's
        // own list per RFC 7643 §7, but clients use them; keep id and externalId.
        if (def.name == "meta") continue;
        attributes.push_back(attributeJson(def));
    }
    return {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:Schema"}},
            {"id", schema.id},
            {"name", schema.name},
            {"description", schema.description},
            {"attributes", attributes},
            {"meta",
             {{"resourceType", "Schema"}, {"location", links.baseUrl + "/Schemas/" + schema.id}}}};
}

json resourceTypeJson(const s::ResourceTypeDef& type, const s::Links& links) {
    json extensions = json::array();
    for (const s::SchemaExtensionRef& ext : type.extensions) {
        extensions.push_back({{"schema", ext.schema}, {"required", ext.required}});
    }
    json out = {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:ResourceType"}},
                {"id", type.id},
                {"name", type.name},
                {"endpoint", type.endpoint},
                {"description", type.description},
                {"schema", type.schema},
                {"meta",
                 {{"resourceType", "ResourceType"},
                  {"location", links.baseUrl + "/ResourceTypes/" + type.id}}}};
    if (!extensions.empty()) out["schemaExtensions"] = extensions;
    return out;
}

json serviceProviderConfig(const config::ScimConfig& scim, const s::Links& links) {
    return {{"schemas", {"urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"}},
            {"documentationUri", "https://github.com/muster/muster/blob/main/docs/scim.md"},
            {"patch", {{"supported", true}}},
            {"bulk",
             {{"supported", true},
              {"maxOperations", scim.bulkMaxOperations},
              {"maxPayloadSize", scim.bulkMaxPayloadBytes}}},
            {"filter", {{"supported", true}, {"maxResults", scim.maxResults}}},
            {"changePassword", {{"supported", false}}},
            {"sort", {{"supported", true}}},
            {"etag", {{"supported", true}}},
            // RFC 9865
            {"pagination",
             {{"cursor", true},
              {"index", true},
              {"defaultPaginationMethod", "index"},
              {"defaultPageSize", scim.defaultCount},
              {"maxPageSize", scim.maxResults}}},
            {"authenticationSchemes",
             {{{"type", "oauthbearertoken"},
               {"name", "Bearer token"},
               {"description",
                "A Muster API token with the scim scope, sent as "
                "'Authorization: Bearer <token>'."},
               {"primary", true}}}},
            {"meta",
             {{"resourceType", "ServiceProviderConfig"},
              {"location", links.baseUrl + "/ServiceProviderConfig"}}}};
}

json listOf(const json& resources) {
    return {{"schemas", {s::kListResponseSchema}},
            {"totalResults", resources.size()},
            {"itemsPerPage", resources.size()},
            {"startIndex", 1},
            {"Resources", resources}};
}

}  // namespace

void registerScimDiscoveryRoutes(ServerContext& context) {
    const std::string base = kScimPrefix;
    const s::SchemaRegistry& registry = s::SchemaRegistry::instance();
    auto& router = context.router;
    router.add("GET", base + "/ServiceProviderConfig", Access::token, [&context](HttpRequest& r) {
        scimCaller(r);
        return scimJson(200, serviceProviderConfig(context.config.scim, linksOf(r)));
    });
    router.add("GET", base + "/Schemas", Access::token, [&registry](HttpRequest& r) {
        scimCaller(r);
        json resources = json::array();
        for (const s::SchemaDef& schema : registry.schemas()) {
            resources.push_back(schemaJson(schema, linksOf(r)));
        }
        return scimJson(200, listOf(resources));
    });
    router.add("GET", base + "/Schemas/{id}", Access::token, [&registry](HttpRequest& r) {
        scimCaller(r);
        const s::SchemaDef* schema = registry.schema(r.pathParam("id"));
        if (schema == nullptr) throw Error(ErrorCode::not_found, "no schema " + r.pathParam("id"));
        return scimJson(200, schemaJson(*schema, linksOf(r)));
    });
    router.add("GET", base + "/ResourceTypes", Access::token, [&registry](HttpRequest& r) {
        scimCaller(r);
        json resources = json::array();
        for (const s::ResourceTypeDef& type : registry.resourceTypes()) {
            resources.push_back(resourceTypeJson(type, linksOf(r)));
        }
        return scimJson(200, listOf(resources));
    });
    router.add("GET", base + "/ResourceTypes/{id}", Access::token, [&registry](HttpRequest& r) {
        scimCaller(r);
        for (const s::ResourceTypeDef& type : registry.resourceTypes()) {
            if (type.id == r.pathParam("id"))
                return scimJson(200, resourceTypeJson(type, linksOf(r)));
        }
        throw Error(ErrorCode::not_found, "no resource type " + r.pathParam("id"));
    });
    // /Me: the signed-in user's own resource (auth_me.cpp).
    for (const char* method : {"GET", "PUT", "PATCH", "DELETE", "POST"}) {
        router.add(method, base + "/Me", Access::token,
                   [&context](HttpRequest& r) { return scimMe(context, r); });
    }
}

}  // namespace muster::daemon
