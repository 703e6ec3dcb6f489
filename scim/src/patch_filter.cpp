// Value filters of PATCH paths (`emails[type eq "work"]`), evaluated in memory
// against the elements of one multi-valued attribute. Unlike list filters
// (filter_query.cpp), these never reach the store: the elements are already
// in the resource being patched.

#include <algorithm>
#include <cctype>

#include "muster/core/error.hpp"
#include "muster/scim/resource_json.hpp"
#include "patch_internal.hpp"

namespace muster::scim::patch_detail {

using nlohmann::json;

const json* findMember(const json& object, std::string_view name) {
    if (!object.is_object()) return nullptr;
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (equalsIgnoreCase(it.key(), name)) return &it.value();
    }
    return nullptr;
}

json* findMember(json& object, std::string_view name) {
    return const_cast<json*>(findMember(std::as_const(object), name));
}

void eraseMember(json& object, std::string_view name) {
    if (!object.is_object()) return;
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (equalsIgnoreCase(it.key(), name)) {
            object.erase(it);
            return;
        }
    }
}

namespace {

[[noreturn]] void badFilter(const AttributeDef& attribute, const std::string& why) {
    throw Error(ErrorCode::invalid_path, "filter on \"" + attribute.name + "\": " + why,
                attribute.name);
}

// What a name inside `attribute[...]` refers to: a sub-attribute, or for a
// multi-valued simple attribute, "value" meaning the element itself
// (RFC 7644 §3.5.2 uses `value` for the elements of simple lists too).
const AttributeDef& fieldOf(const AttributePath& name, const AttributeDef& attribute) {
    if (!name.schemaUrn.empty() || !name.subAttribute.empty()) {
        badFilter(attribute, "\"" + toString(name) + "\" must be the name of a sub-attribute");
    }
    if (attribute.type != AttributeType::complex) {
        if (equalsIgnoreCase(name.attribute, "value")) return attribute;
        badFilter(attribute, "its elements are compared with \"value\"");
    }
    const AttributeDef* sub = attribute.subAttribute(name.attribute);
    if (sub == nullptr) badFilter(attribute, "no sub-attribute \"" + name.attribute + "\"");
    return *sub;
}

const json* fieldValue(const json& element, const AttributeDef& field,
                       const AttributeDef& attribute) {
    return &field == &attribute ? &element : findMember(element, field.name);
}

bool isPresent(const json* value) {
    if (value == nullptr || value->is_null()) return false;
    if (value->is_string()) return !value->get_ref<const std::string&>().empty();
    if (value->is_array() || value->is_object()) return !value->empty();
    return true;
}

std::string folded(std::string text, bool caseExact) {
    if (!caseExact) {
        std::transform(text.begin(), text.end(), text.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    }
    return text;
}

bool compareText(CompareOp op, const std::string& actualText, const std::string& expectedText,
                 bool caseExact) {
    const std::string actual = folded(actualText, caseExact);
    const std::string expected = folded(expectedText, caseExact);
    switch (op) {
        case CompareOp::co:
            return actual.find(expected) != std::string::npos;
        case CompareOp::sw:
            return actual.starts_with(expected);
        case CompareOp::ew:
            return actual.ends_with(expected);
        default:
            break;
    }
    const int order = actual.compare(expected);
    switch (op) {
        case CompareOp::eq:
            return order == 0;
        case CompareOp::ne:
            return order != 0;
        case CompareOp::gt:
            return order > 0;
        case CompareOp::ge:
            return order >= 0;
        case CompareOp::lt:
            return order < 0;
        case CompareOp::le:
            return order <= 0;
        default:
            return false;
    }
}

// Orders a non-text value against the filter's; std::nullopt when the two
// cannot be compared (a number against a boolean, ...).
std::optional<double> difference(const json& actual, const Value& expected,
                                 const AttributeDef& field) {
    if (const bool* flag = std::get_if<bool>(&expected)) {
        std::optional<bool> value = lenientBool(actual);
        if (!value) return std::nullopt;
        return static_cast<double>(*value) - static_cast<double>(*flag);
    }
    if (const std::string* text = std::get_if<std::string>(&expected)) {
        // `primary eq "true"`: Entra-style string booleans in filters too.
        if (field.type != AttributeType::boolean) return std::nullopt;
        std::optional<bool> flag = lenientBool(json(*text));
        if (!flag) return std::nullopt;
        return difference(actual, Value(*flag), field);
    }
    if (!actual.is_number()) return std::nullopt;
    if (const std::int64_t* whole = std::get_if<std::int64_t>(&expected)) {
        return actual.get<double>() - static_cast<double>(*whole);
    }
    if (const double* real = std::get_if<double>(&expected)) return actual.get<double>() - *real;
    return std::nullopt;
}

bool compare(const Comparison& comparison, const json* actual, const AttributeDef& field) {
    if (comparison.op == CompareOp::pr) return isPresent(actual);
    const Value& expected = comparison.value.value_or(Value(nullptr));
    if (std::holds_alternative<std::nullptr_t>(expected)) {  // `eq null` tests absence
        if (comparison.op == CompareOp::eq) return !isPresent(actual);
        return comparison.op == CompareOp::ne && isPresent(actual);
    }
    if (!isPresent(actual)) return comparison.op == CompareOp::ne;
    const std::string* text = std::get_if<std::string>(&expected);
    if (text != nullptr && actual->is_string()) {
        return compareText(comparison.op, actual->get<std::string>(), *text, field.caseExact);
    }
    const std::optional<double> order = difference(*actual, expected, field);
    if (!order) return comparison.op == CompareOp::ne;
    switch (comparison.op) {
        case CompareOp::eq:
            return *order == 0;
        case CompareOp::ne:
            return *order != 0;
        case CompareOp::gt:
            return *order > 0;
        case CompareOp::ge:
            return *order >= 0;
        case CompareOp::lt:
            return *order < 0;
        case CompareOp::le:
            return *order <= 0;
        default:
            return false;  // co, sw, ew only apply to text
    }
}

json toJson(const Value& value, const AttributeDef& field) {
    if (const std::string* text = std::get_if<std::string>(&value)) {
        if (field.type == AttributeType::boolean) {
            if (std::optional<bool> flag = lenientBool(json(*text))) return *flag;
        }
        return *text;
    }
    return std::visit([](const auto& v) { return json(v); }, value);
}

void collectEquals(const Node& node, const AttributeDef& attribute, json& element) {
    if (const auto* comparison = std::get_if<Comparison>(&node.expr)) {
        if (comparison->op != CompareOp::eq || !comparison->value) return;
        if (std::holds_alternative<std::nullptr_t>(*comparison->value)) return;
        const AttributeDef& field = fieldOf(comparison->path, attribute);
        element[field.name] = toJson(*comparison->value, field);
    } else if (const auto* both = std::get_if<And>(&node.expr)) {
        collectEquals(*both->left, attribute, element);
        collectEquals(*both->right, attribute, element);
    }
    // or / not describe no single element: they contribute nothing.
}

}  // namespace

void checkValueFilter(const Node& filter, const AttributeDef& attribute) {
    if (const auto* comparison = std::get_if<Comparison>(&filter.expr)) {
        fieldOf(comparison->path, attribute);
    } else if (const auto* both = std::get_if<And>(&filter.expr)) {
        checkValueFilter(*both->left, attribute);
        checkValueFilter(*both->right, attribute);
    } else if (const auto* either = std::get_if<Or>(&filter.expr)) {
        checkValueFilter(*either->left, attribute);
        checkValueFilter(*either->right, attribute);
    } else if (const auto* negation = std::get_if<Not>(&filter.expr)) {
        checkValueFilter(*negation->child, attribute);
    } else {
        badFilter(attribute, "a filter inside a filter is not supported");
    }
}

bool matchesValueFilter(const Node& filter, const json& element, const AttributeDef& attribute) {
    if (const auto* comparison = std::get_if<Comparison>(&filter.expr)) {
        const AttributeDef& field = fieldOf(comparison->path, attribute);
        return compare(*comparison, fieldValue(element, field, attribute), field);
    }
    if (const auto* both = std::get_if<And>(&filter.expr)) {
        return matchesValueFilter(*both->left, element, attribute) &&
               matchesValueFilter(*both->right, element, attribute);
    }
    if (const auto* either = std::get_if<Or>(&filter.expr)) {
        return matchesValueFilter(*either->left, element, attribute) ||
               matchesValueFilter(*either->right, element, attribute);
    }
    if (const auto* negation = std::get_if<Not>(&filter.expr)) {
        return !matchesValueFilter(*negation->child, element, attribute);
    }
    badFilter(attribute, "a filter inside a filter is not supported");
}

json elementFromFilter(const Node& filter, const AttributeDef& attribute) {
    json element = json::object();
    collectEquals(filter, attribute, element);
    return element;
}

}  // namespace muster::scim::patch_detail
