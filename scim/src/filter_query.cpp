#include "muster/scim/filter_query.hpp"

#include <type_traits>

#include "muster/core/error.hpp"
#include "muster/core/model.hpp"

namespace muster::scim {

namespace {

[[noreturn]] void reject(const std::string& message) {
    throw Error(ErrorCode::invalid_filter, message);
}

query::CompareOp toQueryOp(CompareOp op) {
    switch (op) {
        case CompareOp::eq:
            return query::CompareOp::eq;
        case CompareOp::ne:
            return query::CompareOp::ne;
        case CompareOp::co:
            return query::CompareOp::co;
        case CompareOp::sw:
            return query::CompareOp::sw;
        case CompareOp::ew:
            return query::CompareOp::ew;
        case CompareOp::pr:
            return query::CompareOp::pr;
        case CompareOp::gt:
            return query::CompareOp::gt;
        case CompareOp::ge:
            return query::CompareOp::ge;
        case CompareOp::lt:
            return query::CompareOp::lt;
        case CompareOp::le:
            return query::CompareOp::le;
    }
    return query::CompareOp::eq;
}

bool isSubstringOp(CompareOp op) {
    return op == CompareOp::co || op == CompareOp::sw || op == CompareOp::ew;
}

bool isOrderingOp(CompareOp op) {
    return op == CompareOp::gt || op == CompareOp::ge || op == CompareOp::lt || op == CompareOp::le;
}

// The attribute a comparison is about. Inside a value path (`emails[...]`),
// names are sub-attributes of the enclosing multi-valued attribute.
const AttributeDef& resolveTarget(const AttributePath& path, const ResourceTypeDef& type,
                                  const AttributeDef* enclosing) {
    const std::string name = toString(path);
    if (enclosing != nullptr) {
        if (!path.schemaUrn.empty() || !path.subAttribute.empty()) {
            reject("\"" + name + "\" inside [" + enclosing->name +
                   "] must be a sub-attribute name");
        }
        const AttributeDef* sub = enclosing->subAttribute(path.attribute);
        if (sub == nullptr) reject(enclosing->name + " has no sub-attribute \"" + name + "\"");
        return *sub;
    }
    std::optional<ResolvedAttribute> resolved = SchemaRegistry::instance().resolve(type, path);
    if (!resolved) reject("unknown attribute \"" + name + "\" for " + type.name + " resources");
    const AttributeDef& target = resolved->target();
    if (target.type == AttributeType::complex) {
        // RFC 7644 §3.4.2.2: a multi-valued complex attribute without a
        // sub-attribute is filtered on its "value".
        const AttributeDef* value = target.multiValued ? target.subAttribute("value") : nullptr;
        if (value == nullptr) {
            reject("\"" + name + "\" is complex: filter on one of its sub-attributes, e.g. " +
                   name + "." + target.subAttributes.front().name);
        }
        return *value;
    }
    return target;
}

query::Value convertValue(const Comparison& comparison, const AttributeDef& target,
                          const std::string& name) {
    const Value& value = *comparison.value;
    if (std::holds_alternative<std::nullptr_t>(value)) {
        if (comparison.op != CompareOp::eq && comparison.op != CompareOp::ne) {
            reject("null can only be compared with eq or ne (\"" + name + "\")");
        }
        return std::monostate{};
    }
    switch (target.type) {
        case AttributeType::boolean:
            if (!std::holds_alternative<bool>(value)) reject("\"" + name + "\" is a boolean");
            if (isOrderingOp(comparison.op) || isSubstringOp(comparison.op)) {
                reject("\"" + name + "\" is a boolean: use eq, ne or pr");
            }
            return std::get<bool>(value);
        case AttributeType::dateTime: {
            if (isSubstringOp(comparison.op))
                reject("\"" + name + "\" is a date-time: co, sw, ew do not apply");
            const std::string* text = std::get_if<std::string>(&value);
            std::optional<Timestamp> time = text ? parseTimestamp(*text) : std::nullopt;
            if (!time)
                reject("\"" + name +
                       "\" needs an RFC 3339 date-time such as \"2024-05-13T04:42:34Z\"");
            return static_cast<std::int64_t>(*time);
        }
        case AttributeType::integer:
        case AttributeType::decimal:
            if (std::holds_alternative<std::int64_t>(value)) return std::get<std::int64_t>(value);
            if (std::holds_alternative<double>(value)) return std::get<double>(value);
            reject("\"" + name + "\" is a number");
        default:
            if (!std::holds_alternative<std::string>(value)) {
                reject("\"" + name + "\" is a string: compare it with a quoted value");
            }
            return std::get<std::string>(value);
    }
}

query::ConditionPtr comparisonCondition(const Comparison& comparison, const ResourceTypeDef& type,
                                        const AttributeDef* enclosing) {
    const std::string name = toString(comparison.path);
    const AttributeDef& target = resolveTarget(comparison.path, type, enclosing);
    if (target.queryField.empty()) reject("attribute \"" + name + "\" cannot be used in filters");
    auto condition = std::make_shared<query::Condition>();
    condition->kind = query::Condition::Kind::compare;
    condition->field = target.queryField;
    condition->op = toQueryOp(comparison.op);
    condition->caseExact = target.caseExact;
    if (comparison.op != CompareOp::pr) condition->value = convertValue(comparison, target, name);
    return condition;
}

query::ConditionPtr translate(const Node& node, const ResourceTypeDef& type,
                              const AttributeDef* enclosing);

// and/or chains arrive as deep left-leaning trees; flatten them with an
// explicit stack so a 10,000-term chain costs no recursion.
template <typename Chain>
query::ConditionPtr chainCondition(const Node& root, const ResourceTypeDef& type,
                                   const AttributeDef* enclosing, query::Condition::Kind kind) {
    auto condition = std::make_shared<query::Condition>();
    condition->kind = kind;
    std::vector<const Node*> pending{&root};
    while (!pending.empty()) {
        const Node* node = pending.back();
        pending.pop_back();
        if (const auto* chain = std::get_if<Chain>(&node->expr)) {
            pending.push_back(chain->right.get());
            pending.push_back(chain->left.get());
        } else {
            condition->children.push_back(translate(*node, type, enclosing));
        }
    }
    return condition;
}

query::ConditionPtr valuePathCondition(const ValuePath& valuePath, const ResourceTypeDef& type,
                                       const AttributeDef* enclosing) {
    const std::string name = toString(valuePath.path);
    if (enclosing != nullptr) reject("value paths cannot be nested (\"" + name + "\")");
    std::optional<ResolvedAttribute> resolved =
        SchemaRegistry::instance().resolve(type, valuePath.path);
    if (!resolved || resolved->subAttribute != nullptr)
        reject("unknown attribute \"" + name + "\"");
    const AttributeDef& attribute = *resolved->attribute;
    if (!attribute.multiValued || attribute.type != AttributeType::complex) {
        reject("\"" + name + "[...]\" needs a multi-valued complex attribute");
    }
    auto condition = std::make_shared<query::Condition>();
    condition->kind = query::Condition::Kind::within;
    const AttributeDef* value = attribute.subAttribute("value");
    const std::string& field = value ? value->queryField : std::string();
    condition->field = field.substr(0, field.find('.'));  // "emails.value" → "emails"
    if (condition->field.empty()) reject("attribute \"" + name + "\" cannot be used in filters");
    condition->children.push_back(translate(*valuePath.inner, type, &attribute));
    return condition;
}

query::ConditionPtr translate(const Node& node, const ResourceTypeDef& type,
                              const AttributeDef* enclosing) {
    return std::visit(
        [&](const auto& expr) -> query::ConditionPtr {
            using T = std::decay_t<decltype(expr)>;
            if constexpr (std::is_same_v<T, Comparison>) {
                return comparisonCondition(expr, type, enclosing);
            } else if constexpr (std::is_same_v<T, And>) {
                return chainCondition<And>(node, type, enclosing, query::Condition::Kind::all);
            } else if constexpr (std::is_same_v<T, Or>) {
                return chainCondition<Or>(node, type, enclosing, query::Condition::Kind::any);
            } else if constexpr (std::is_same_v<T, Not>) {
                auto condition = std::make_shared<query::Condition>();
                condition->kind = query::Condition::Kind::negate;
                condition->children.push_back(translate(*expr.child, type, enclosing));
                return condition;
            } else {
                return valuePathCondition(expr, type, enclosing);
            }
        },
        node.expr);
}

}  // namespace

query::ConditionPtr toCondition(const Node& filter, const ResourceTypeDef& type) {
    return translate(filter, type, nullptr);
}

std::string sortFieldOf(const std::string& attributePath, const ResourceTypeDef& type) {
    AttributePath path;
    const auto lastColon = attributePath.rfind(':');
    std::string rest = attributePath;
    if (lastColon != std::string::npos) {
        path.schemaUrn = attributePath.substr(0, lastColon);
        rest = attributePath.substr(lastColon + 1);
    }
    const auto dot = rest.find('.');
    path.attribute = rest.substr(0, dot);
    if (dot != std::string::npos) path.subAttribute = rest.substr(dot + 1);
    std::optional<ResolvedAttribute> resolved = SchemaRegistry::instance().resolve(type, path);
    if (!resolved || resolved->target().queryField.empty() || resolved->target().multiValued ||
        resolved->attribute->multiValued || resolved->target().type == AttributeType::complex) {
        throw Error(ErrorCode::invalid_input,
                    "sortBy: \"" + attributePath + "\" is not a sortable attribute of " + type.name,
                    "sortBy");
    }
    return resolved->target().queryField;
}

}  // namespace muster::scim
