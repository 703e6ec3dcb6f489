#pragma once

// The SCIM schema registry: the one description of what the server supports.
// Discovery (/Schemas, /ResourceTypes), filter and PATCH path resolution, and
// attribute projection all read it, so they cannot disagree.

#include <string>
#include <string_view>
#include <vector>

#include "muster/scim/filter.hpp"

namespace muster::scim {

inline constexpr std::string_view kUserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";
inline constexpr std::string_view kGroupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group";
inline constexpr std::string_view kEnterpriseUserSchema =
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
inline constexpr std::string_view kMusterUserSchema =
    "urn:muster:params:scim:schemas:extension:2.0:User";
inline constexpr std::string_view kListResponseSchema =
    "urn:ietf:params:scim:api:messages:2.0:ListResponse";
inline constexpr std::string_view kPatchOpSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
inline constexpr std::string_view kBulkRequestSchema =
    "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
inline constexpr std::string_view kBulkResponseSchema =
    "urn:ietf:params:scim:api:messages:2.0:BulkResponse";
inline constexpr std::string_view kSearchRequestSchema =
    "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

enum class AttributeType { string, boolean, decimal, integer, dateTime, reference, complex };
enum class Mutability { readOnly, readWrite, immutable, writeOnly };
enum class Returned { always, never, byDefault, request };
enum class Uniqueness { none, server, global };

struct AttributeDef {
    std::string name;
    AttributeType type = AttributeType::string;
    bool multiValued = false;
    bool required = false;
    bool caseExact = false;
    Mutability mutability = Mutability::readWrite;
    Returned returned = Returned::byDefault;
    Uniqueness uniqueness = Uniqueness::none;
    std::string description;
    std::vector<std::string> canonicalValues;
    std::vector<std::string> referenceTypes;
    std::vector<AttributeDef> subAttributes;
    // Filterable and sortable when set: the query field the store knows
    // (see core/query.hpp), e.g. "name.familyName" or "emails.value".
    std::string queryField;

    const AttributeDef* subAttribute(std::string_view name) const;  // case-insensitive
};

struct SchemaDef {
    std::string id;  // the URN
    std::string name;
    std::string description;
    std::vector<AttributeDef> attributes;

    const AttributeDef* attribute(std::string_view name) const;  // case-insensitive
};

struct SchemaExtensionRef {
    std::string schema;
    bool required = false;
};

struct ResourceTypeDef {
    std::string id;  // "User"
    std::string name;
    std::string endpoint;  // "/Users"
    std::string description;
    std::string schema;
    std::vector<SchemaExtensionRef> extensions;
};

// An attribute path resolved against a resource type's schemas.
struct ResolvedAttribute {
    const SchemaDef* schema = nullptr;
    const AttributeDef* attribute = nullptr;
    const AttributeDef* subAttribute = nullptr;  // null when the path names no sub-attribute

    // The definition the path ends at (sub-attribute when present).
    const AttributeDef& target() const { return subAttribute ? *subAttribute : *attribute; }
};

class SchemaRegistry {
  public:
    // The registry describing what this server implements.
    static const SchemaRegistry& instance();

    const std::vector<SchemaDef>& schemas() const { return schemas_; }
    const std::vector<ResourceTypeDef>& resourceTypes() const { return resourceTypes_; }
    const SchemaDef* schema(std::string_view urn) const;  // case-insensitive
    const ResourceTypeDef& resourceType(std::string_view id) const;

    // Resolves `[urn:]attr[.sub]` for the resource type; std::nullopt when no
    // schema of the resource type has it. Names are case-insensitive. An
    // unqualified name is looked up in the core schema first, then the
    // extensions.
    std::optional<ResolvedAttribute> resolve(const ResourceTypeDef& type,
                                             const AttributePath& path) const;
    // True when `urn` is the core schema or an extension of the resource type.
    bool isSchemaOf(const ResourceTypeDef& type, std::string_view urn) const;

  private:
    SchemaRegistry();
    std::vector<SchemaDef> schemas_;
    std::vector<ResourceTypeDef> resourceTypes_;
};

bool equalsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace muster::scim
