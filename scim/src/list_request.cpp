#include "muster/scim/list_request.hpp"

#include <algorithm>

#include "muster/core/error.hpp"
#include "muster/scim/filter_query.hpp"

namespace muster::scim {

using nlohmann::json;

namespace {

// Splits "a, b.c, urn:x:y:z" into attribute paths.
std::vector<AttributePath> parseAttributeList(const std::string& text) {
    std::vector<AttributePath> paths;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t comma = text.find(',', start);
        if (comma == std::string::npos) comma = text.size();
        std::string item = text.substr(start, comma - start);
        item.erase(0, item.find_first_not_of(" \t"));
        item.erase(item.find_last_not_of(" \t") + 1);
        if (!item.empty()) {
            AttributePath path;
            std::string rest = item;
            if (item.rfind("urn:", 0) == 0) {
                const auto lastColon = item.rfind(':');
                path.schemaUrn = item.substr(0, lastColon);
                rest = item.substr(lastColon + 1);
            }
            const auto dot = rest.find('.');
            path.attribute = rest.substr(0, dot);
            if (dot != std::string::npos) path.subAttribute = rest.substr(dot + 1);
            paths.push_back(path);
        }
        start = comma + 1;
    }
    return paths;
}

std::int64_t parseInteger(const std::string& text, const char* name) {
    try {
        std::size_t used = 0;
        long long value = std::stoll(text, &used);
        if (used == text.size()) return value;
    } catch (const std::exception&) {
        // reported below
    }
    throw Error(ErrorCode::invalid_input,
                std::string(name) + ": expected an integer, got \"" + text + "\"", name);
}

struct RawListParams {
    std::optional<std::string> filter, sortBy, sortOrder, startIndex, count, cursor, attributes,
        excludedAttributes;
};

ListRequest buildListRequest(const RawListParams& raw, const ResourceTypeDef& type,
                             const ListLimits& limits) {
    ListRequest request;
    if (raw.filter && !raw.filter->empty()) {
        request.query.filter = toCondition(*parseFilter(*raw.filter, limits.filterMaxDepth), type);
    }
    if (raw.sortBy && !raw.sortBy->empty()) {
        query::SortKey sort{sortFieldOf(*raw.sortBy, type), false};
        if (raw.sortOrder) {
            if (equalsIgnoreCase(*raw.sortOrder, "descending")) {
                sort.descending = true;
            } else if (!equalsIgnoreCase(*raw.sortOrder, "ascending")) {
                throw Error(ErrorCode::invalid_input,
                            "sortOrder must be \"ascending\" or \"descending\"", "sortOrder");
            }
        }
        request.query.sort = sort;
    }
    // RFC 7644 §3.4.2.4: startIndex < 1 is treated as 1, count < 0 as 0.
    const std::int64_t startIndex =
        raw.startIndex ? parseInteger(*raw.startIndex, "startIndex") : 1;
    std::int64_t count = raw.count ? parseInteger(*raw.count, "count") : limits.defaultCount;
    request.query.offset = std::max<std::int64_t>(startIndex, 1) - 1;
    request.query.count = std::clamp<std::int64_t>(count, 0, limits.maxResults);
    if (raw.cursor) {
        if (raw.startIndex) {
            throw Error(ErrorCode::invalid_input,
                        "use either cursor or startIndex paging, not both (RFC 9865)", "cursor");
        }
        request.cursorPaging = true;
        request.query.cursorPaging = true;
        request.query.offset = 0;
        if (!raw.cursor->empty()) request.query.cursor = *raw.cursor;
    }
    if (raw.attributes) request.projection.attributes = parseAttributeList(*raw.attributes);
    if (raw.excludedAttributes) {
        request.projection.excludedAttributes = parseAttributeList(*raw.excludedAttributes);
    }
    request.query.withMembers = request.projection.includes("members");
    return request;
}

std::optional<std::string> param(const std::multimap<std::string, std::string>& params,
                                 const char* lowerName) {
    auto found = params.find(lowerName);
    if (found == params.end()) return std::nullopt;
    return found->second;
}

std::optional<std::string> bodyText(const json& body, std::string_view name) {
    for (auto it = body.begin(); it != body.end(); ++it) {
        if (!equalsIgnoreCase(it.key(), name)) continue;
        if (it->is_string()) return it->get<std::string>();
        if (it->is_number_integer()) return std::to_string(it->get<long long>());
        if (it->is_array()) {  // attributes: ["userName", "emails"]
            std::string joined;
            for (const json& item : *it) {
                if (!item.is_string()) break;
                if (!joined.empty()) joined += ',';
                joined += item.get<std::string>();
            }
            return joined;
        }
        throw Error(ErrorCode::invalid_input, std::string(name) + " has the wrong type",
                    std::string(name));
    }
    return std::nullopt;
}

bool matches(const AttributePath& path, std::string_view schemaUrn, std::string_view attribute) {
    if (!path.schemaUrn.empty() && !equalsIgnoreCase(path.schemaUrn, schemaUrn)) return false;
    return equalsIgnoreCase(path.attribute, attribute);
}

// A projection entry that names a whole extension: "urn:...:enterprise:2.0:User".
bool namesSchema(const AttributePath& path, std::string_view urn) {
    return equalsIgnoreCase(path.schemaUrn + ":" + path.attribute, urn) &&
           path.subAttribute.empty();
}

bool isAlwaysReturned(std::string_view key) {
    return key == "id" || key == "schemas" || key == "meta";
}

json projectObject(const json& object, std::string_view schemaUrn, const Projection& projection,
                   bool topLevel) {
    json out = json::object();
    for (auto it = object.begin(); it != object.end(); ++it) {
        const std::string& key = it.key();
        if (topLevel && isAlwaysReturned(key)) {
            out[key] = *it;
            continue;
        }
        if (key.rfind("urn:", 0) == 0) {  // an extension: project its attributes with its URN
            const bool whole =
                std::any_of(projection.attributes.begin(), projection.attributes.end(),
                            [&](const AttributePath& p) { return namesSchema(p, key); });
            const bool excluded = std::any_of(
                projection.excludedAttributes.begin(), projection.excludedAttributes.end(),
                [&](const AttributePath& p) { return namesSchema(p, key); });
            if (excluded) continue;
            json inner = whole ? *it : projectObject(*it, key, projection, false);
            if (!inner.empty()) out[key] = inner;
            continue;
        }
        const auto named = [&](const AttributePath& p) { return matches(p, schemaUrn, key); };
        const bool excluded =
            std::any_of(projection.excludedAttributes.begin(), projection.excludedAttributes.end(),
                        [&](const auto& p) { return named(p) && p.subAttribute.empty(); });
        if (excluded) continue;
        if (projection.attributes.empty()) {
            out[key] = *it;
            continue;
        }
        std::vector<std::string> subs;
        bool whole = false;
        for (const AttributePath& p : projection.attributes) {
            if (!named(p)) continue;
            if (p.subAttribute.empty())
                whole = true;
            else
                subs.push_back(p.subAttribute);
        }
        if (whole) {
            out[key] = *it;
        } else if (!subs.empty()) {
            auto pick = [&](const json& value) {
                json picked = json::object();
                for (const std::string& sub : subs) {
                    for (auto field = value.begin(); field != value.end(); ++field) {
                        if (equalsIgnoreCase(field.key(), sub)) picked[field.key()] = *field;
                    }
                }
                return picked;
            };
            if (it->is_array()) {
                json items = json::array();
                for (const json& item : *it) items.push_back(item.is_object() ? pick(item) : item);
                out[key] = items;
            } else if (it->is_object()) {
                out[key] = pick(*it);
            }
        }
    }
    return out;
}

}  // namespace

bool Projection::includes(std::string_view attribute) const {
    for (const AttributePath& path : excludedAttributes) {
        if (equalsIgnoreCase(path.attribute, attribute) && path.subAttribute.empty()) return false;
    }
    if (attributes.empty()) return true;
    return std::any_of(attributes.begin(), attributes.end(), [&](const AttributePath& path) {
        return equalsIgnoreCase(path.attribute, attribute);
    });
}

ListRequest parseListRequest(const std::multimap<std::string, std::string>& params,
                             const ResourceTypeDef& type, const ListLimits& limits) {
    RawListParams raw{param(params, "filter"),     param(params, "sortby"),
                      param(params, "sortorder"),  param(params, "startindex"),
                      param(params, "count"),      param(params, "cursor"),
                      param(params, "attributes"), param(params, "excludedattributes")};
    return buildListRequest(raw, type, limits);
}

ListRequest parseSearchRequest(const json& body, const ResourceTypeDef& type,
                               const ListLimits& limits) {
    if (!body.is_object()) {
        throw Error(ErrorCode::invalid_syntax, "a search request must be a JSON object");
    }
    RawListParams raw{bodyText(body, "filter"),     bodyText(body, "sortBy"),
                      bodyText(body, "sortOrder"),  bodyText(body, "startIndex"),
                      bodyText(body, "count"),      bodyText(body, "cursor"),
                      bodyText(body, "attributes"), bodyText(body, "excludedAttributes")};
    return buildListRequest(raw, type, limits);
}

Projection parseProjection(const std::multimap<std::string, std::string>& params) {
    Projection projection;
    if (auto attributes = param(params, "attributes")) {
        projection.attributes = parseAttributeList(*attributes);
    }
    if (auto excluded = param(params, "excludedattributes")) {
        projection.excludedAttributes = parseAttributeList(*excluded);
    }
    return projection;
}

json project(const json& resource, const Projection& projection, const ResourceTypeDef& type) {
    if (projection.attributes.empty() && projection.excludedAttributes.empty()) return resource;
    return projectObject(resource, type.schema, projection, true);
}

}  // namespace muster::scim
