// PATCH operations applied to a resource's full SCIM JSON (RFC 7644 §3.5.2).
//
// Every name is resolved against the schema registry, so values land under
// their canonical spelling and in the right place (core attributes at the top
// level, extension attributes under their schema URN), and are checked and
// normalised by the attribute's type ("False" → false) before they are
// written. The caller maps the result back with userFromScim / groupFromScim,
// which is where ids and identifier kinds are validated.

#include <algorithm>

#include "muster/core/error.hpp"
#include "muster/scim/patch.hpp"
#include "muster/scim/resource_json.hpp"
#include "patch_internal.hpp"

namespace muster::scim {

using nlohmann::json;
using patch_detail::eraseMember;
using patch_detail::findMember;

namespace {

// How a value is written to an attribute.
enum class Mode {
    add,      // lists: append; complex: merge; simple: set
    replace,  // with a path: lists replaced, complex merged (RFC 7644 §3.5.2.3)
    whole,    // path-less replace: the attribute is replaced as a whole
};

[[noreturn]] void wrongType(const std::string& label, const std::string& expected) {
    throw Error(ErrorCode::invalid_input, "\"" + label + "\" must be " + expected, label);
}

// Entra and Okta clear an attribute by sending "" or null.
bool isCleared(const json& value) {
    return value.is_null() || (value.is_string() && value.get_ref<const std::string&>().empty());
}

json normalized(const AttributeDef& def, const json& value, const std::string& label);

json scalarValue(const AttributeDef& def, const json& value, const std::string& label) {
    switch (def.type) {
        case AttributeType::boolean:
            if (std::optional<bool> flag = lenientBool(value)) return *flag;
            wrongType(label, "a boolean (true or false)");
        case AttributeType::integer:
            if (!value.is_number_integer()) wrongType(label, "an integer");
            return value;
        case AttributeType::decimal:
            if (!value.is_number()) wrongType(label, "a number");
            return value;
        default:  // string, reference, dateTime
            if (!value.is_string()) wrongType(label, "a string");
            return value;
    }
}

// A complex value with canonical sub-attribute names; a sub-attribute being
// cleared is null. Sub-attributes the server does not store are dropped.
json complexValue(const AttributeDef& def, const json& value, const std::string& label) {
    if (!value.is_object()) wrongType(label, "an object");
    json out = json::object();
    for (auto it = value.begin(); it != value.end(); ++it) {
        const AttributeDef* sub = def.subAttribute(it.key());
        if (sub == nullptr) continue;
        const std::string subLabel = label + "." + sub->name;
        if (sub->mutability == Mutability::readOnly) {
            throw Error(ErrorCode::mutability, "\"" + subLabel + "\" is read-only", subLabel);
        }
        out[sub->name] = normalized(*sub, it.value(), subLabel);
    }
    return out;
}

json withoutNulls(json object) {
    for (auto it = object.begin(); it != object.end();) {
        it = it->is_null() ? object.erase(it) : std::next(it);
    }
    return object;
}

// One element of a multi-valued attribute; null when it says nothing.
json elementValue(const AttributeDef& def, const json& value, const std::string& label) {
    if (isCleared(value)) return nullptr;
    if (def.type != AttributeType::complex) {
        // Entra sends roles as [{"value": "Admin", "primary": "True"}] even
        // where the attribute is a list of strings: the "value" is the element.
        const json* inner = value.is_object() ? findMember(value, "value") : nullptr;
        return inner ? elementValue(def, *inner, label) : scalarValue(def, value, label);
    }
    json element = withoutNulls(complexValue(def, value, label));
    return element.empty() ? json() : element;
}

// A list; a single element is accepted as a list of one.
json listValue(const AttributeDef& def, const json& value, const std::string& label) {
    const json items = value.is_array() ? value : json::array({value});
    json out = json::array();
    for (const json& item : items) {
        json element = elementValue(def, item, label);
        if (!element.is_null()) out.push_back(std::move(element));
    }
    return out;
}

// The value checked and converted for the attribute; null means "clear it".
json normalized(const AttributeDef& def, const json& value, const std::string& label) {
    if (isCleared(value)) return nullptr;
    if (def.multiValued) return listValue(def, value, label);
    if (def.type == AttributeType::complex) return complexValue(def, value, label);
    return scalarValue(def, value, label);
}

// The member `name` of `object`, renamed to that canonical spelling if the
// resource spelled it differently, created as null if missing.
json& slot(json& object, const std::string& name) {
    if (!object.contains(name)) {
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (!equalsIgnoreCase(it.key(), name)) continue;
            json moved = std::move(it.value());
            object.erase(it);
            return object[name] = std::move(moved);
        }
    }
    return object[name];
}

void set(json& object, const std::string& name, json value) {
    if (value.is_null()) {
        eraseMember(object, name);
    } else {
        slot(object, name) = std::move(value);
    }
}

// Merges the named sub-attributes into `target`; a null one is removed.
void mergeInto(json& target, const json& partial) {
    if (!target.is_object()) target = json::object();
    for (auto it = partial.begin(); it != partial.end(); ++it) set(target, it.key(), it.value());
}

bool sameText(const json& a, const json& b, bool caseExact) {
    if (!a.is_string() || !b.is_string()) return a == b;
    const auto& x = a.get_ref<const std::string&>();
    const auto& y = b.get_ref<const std::string&>();
    return caseExact ? x == y : equalsIgnoreCase(x, y);
}

bool sameSub(const AttributeDef& def, const json& a, const json& b, const char* name) {
    const AttributeDef* sub = def.subAttribute(name);
    const json* x = findMember(a, name);
    const json* y = findMember(b, name);
    if (x == nullptr || y == nullptr) return x == y;
    return sameText(*x, *y, sub != nullptr && sub->caseExact);
}

// Two elements of a list are the same entry when their "value" matches.
// Muster identifiers also differ by kind and logon domain: "jdoe" in CORP and
// "jdoe" in LAB are two device logins.
bool sameElement(const AttributeDef& def, const json& a, const json& b) {
    if (def.type != AttributeType::complex) return sameText(a, b, def.caseExact);
    return sameSub(def, a, b, "value") && sameSub(def, a, b, "kind") &&
           sameSub(def, a, b, "logonDomain");
}

// Whether `gone`, an element a remove lists, names `element`. Its "value" must
// match; its kind and logon domain, when given, too: removing the LAB login
// "jdoe" keeps the CORP one, while {"value": "jdoe"} removes every "jdoe".
bool listedForRemoval(const AttributeDef& def, const json& gone, const json& element) {
    if (def.type != AttributeType::complex) return sameText(element, gone, def.caseExact);
    if (!sameSub(def, element, gone, "value")) return false;
    for (const char* name : {"kind", "logonDomain"}) {
        if (findMember(gone, name) != nullptr && !sameSub(def, element, gone, name)) return false;
    }
    return true;
}

bool hasPrimary(const AttributeDef& def) {
    const AttributeDef* primary = def.multiValued ? def.subAttribute("primary") : nullptr;
    return primary != nullptr && primary->type == AttributeType::boolean;
}

bool isPrimary(const json& element) {
    const json* primary = findMember(element, "primary");
    return primary != nullptr && lenientBool(*primary).value_or(false);
}

std::vector<json> primaryValues(const json* list) {
    std::vector<json> values;
    if (list == nullptr || !list->is_array()) return values;
    for (const json& element : *list) {
        const json* value = findMember(element, "value");
        if (isPrimary(element)) values.push_back(value ? *value : json());
    }
    return values;
}

// RFC 7643 §2.4: "primary" is true on at most one element. The element the
// operation made primary wins; the others lose the flag.
void keepOnePrimary(json* list, const std::vector<json>& primaryBefore) {
    if (list == nullptr || !list->is_array()) return;
    std::optional<std::size_t> keep;
    for (std::size_t i = 0; i < list->size(); ++i) {
        if (!isPrimary((*list)[i])) continue;
        const json* value = findMember((*list)[i], "value");
        const bool isNew = std::find(primaryBefore.begin(), primaryBefore.end(),
                                     value ? *value : json()) == primaryBefore.end();
        if (!keep || isNew) keep = i;  // the last new one, else the first
    }
    for (std::size_t i = 0; i < list->size(); ++i) {
        if (i != keep && isPrimary((*list)[i])) eraseMember((*list)[i], "primary");
    }
}

// A path resolved against the resource type's schemas.
struct Target {
    const SchemaDef* schema = nullptr;
    const AttributeDef* attribute = nullptr;
    const AttributeDef* sub = nullptr;  // `name.givenName` or `emails[...].value`
    const Node* filter = nullptr;       // `emails[type eq "work"]`
    std::string label;                  // for messages: "name.givenName"
};

class ResourcePatcher {
  public:
    ResourcePatcher(json& resource, const ResourceTypeDef& type)
        : resource_(resource), type_(type), registry_(SchemaRegistry::instance()) {}

    void apply(const PatchOperation& operation) {
        if (!operation.path) return applyPathless(operation);
        const Mode mode = operation.op == PatchOperation::Op::add ? Mode::add : Mode::replace;
        if (const SchemaDef* schema = schemaNamedBy(operation.path->attribute)) {
            if (operation.op == PatchOperation::Op::remove) return clearSchema(*schema);
            return applyToSchema(*schema, operation.value, mode);
        }
        applyTo(*operation.path, operation.op, operation.value, mode);
    }

  private:
    json& resource_;
    const ResourceTypeDef& type_;
    const SchemaRegistry& registry_;

    bool isCore(const SchemaDef& schema) const { return equalsIgnoreCase(schema.id, type_.schema); }

    // A path or key naming a whole schema ("urn:...:enterprise:2.0:User"),
    // which the path parser reads as the attribute "User" of "urn:...:2.0".
    const SchemaDef* schemaNamedBy(const AttributePath& path) const {
        if (path.schemaUrn.empty() || !path.subAttribute.empty()) return nullptr;
        const std::string urn = path.schemaUrn + ":" + path.attribute;
        return registry_.isSchemaOf(type_, urn) ? registry_.schema(urn) : nullptr;
    }

    // Path-less add / replace: each key of the value is an attribute, a dotted
    // or URN-qualified attribute, or a schema URN holding attributes.
    void applyPathless(const PatchOperation& operation) {
        if (operation.op == PatchOperation::Op::remove) {
            throw Error(ErrorCode::no_target, "remove needs a \"path\"", "path");
        }
        if (!operation.value.is_object()) {
            wrongType("value", "an object of attributes when there is no \"path\"");
        }
        const Mode mode = operation.op == PatchOperation::Op::add ? Mode::add : Mode::whole;
        applyKeys(operation.value, {}, operation.op, mode);
    }

    void applyKeys(const json& attributes, const std::string& defaultUrn, PatchOperation::Op op,
                   Mode mode) {
        for (auto it = attributes.begin(); it != attributes.end(); ++it) {
            if (equalsIgnoreCase(it.key(), "schemas")) continue;  // the envelope, not data
            PatchPath path = parsePatchPath(it.key());
            if (path.attribute.schemaUrn.empty()) path.attribute.schemaUrn = defaultUrn;
            if (const SchemaDef* schema = schemaNamedBy(path.attribute)) {
                applyToSchema(*schema, it.value(), mode);
            } else {
                applyTo(path, op, it.value(), mode);
            }
        }
    }

    // {"urn:...:enterprise:2.0:User": {"department": "R&D"}}: the attributes
    // given are set; the schema's others are left alone.
    void applyToSchema(const SchemaDef& schema, const json& value, Mode mode) {
        if (!value.is_object()) wrongType(schema.id, "an object of the extension's attributes");
        const auto op = mode == Mode::add ? PatchOperation::Op::add : PatchOperation::Op::replace;
        applyKeys(value, schema.id, op, mode == Mode::add ? Mode::add : Mode::whole);
    }

    // remove with a schema URN as path: its writable attributes go, its
    // read-only ones (status, mfaStatus, ...) stay.
    void clearSchema(const SchemaDef& schema) {
        json* box = existingContainer(schema);
        if (box == nullptr) return;
        for (const AttributeDef& attribute : schema.attributes) {
            if (attribute.mutability == Mutability::readOnly) continue;
            checkRequired(Target{&schema, &attribute, nullptr, nullptr, attribute.name},
                          PatchOperation::Op::remove, nullptr);
            eraseMember(*box, attribute.name);
        }
    }

    void applyTo(const PatchPath& path, PatchOperation::Op op, const json& value, Mode mode) {
        std::optional<Target> target = resolve(path);
        if (!target) return;  // an attribute of a known schema the server does not store
        if (isUnchangedId(*target, op, value)) return;  // Okta's rename repeats the id
        checkWritable(*target);
        checkRequired(*target, op, value);
        const bool primary = hasPrimary(*target->attribute);
        const std::vector<json> before =
            primary ? primaryValues(existingList(*target)) : std::vector<json>{};
        if (op == PatchOperation::Op::remove) {
            remove(*target, value);
        } else {
            write(*target, value, mode);
        }
        if (primary) keepOnePrimary(existingList(*target), before);
    }

    std::optional<Target> resolve(const PatchPath& path) const {
        const AttributePath& name = path.attribute;
        if (!name.schemaUrn.empty() && !registry_.isSchemaOf(type_, name.schemaUrn)) {
            throw Error(ErrorCode::invalid_path,
                        "unknown schema \"" + name.schemaUrn + "\" for a " + type_.name,
                        toString(name));
        }
        std::optional<ResolvedAttribute> found = registry_.resolve(type_, name);
        if (!found) return std::nullopt;
        Target target{found->schema, found->attribute, found->subAttribute, path.valueFilter.get(),
                      found->attribute->name};
        if (target.filter != nullptr && !resolveFilter(target, path)) return std::nullopt;
        if (target.sub != nullptr) target.label += "." + target.sub->name;
        return target;
    }

    // `emails[type eq "work"].value`; false when the sub-attribute is unknown.
    static bool resolveFilter(Target& target, const PatchPath& path) {
        const AttributeDef& attribute = *target.attribute;
        if (!attribute.multiValued) {
            throw Error(ErrorCode::invalid_path,
                        "\"" + attribute.name + "\" is single-valued: it takes no [filter]",
                        attribute.name);
        }
        patch_detail::checkValueFilter(*target.filter, attribute);
        if (path.subAttribute.empty()) return true;
        if (attribute.type != AttributeType::complex) {
            throw Error(ErrorCode::invalid_path, "\"" + attribute.name + "\" has no sub-attributes",
                        attribute.name);
        }
        target.sub = attribute.subAttribute(path.subAttribute);
        return target.sub != nullptr;
    }

    bool isUnchangedId(const Target& target, PatchOperation::Op op, const json& value) const {
        if (!isCore(*target.schema) || target.attribute->name != "id" || target.sub) return false;
        const json* id = findMember(resource_, "id");
        return op != PatchOperation::Op::remove && id != nullptr && value.is_string() &&
               *id == value;
    }

    static void checkWritable(const Target& target) {
        const bool readOnly = target.attribute->mutability == Mutability::readOnly ||
                              (target.sub && target.sub->mutability == Mutability::readOnly);
        if (readOnly) {
            throw Error(ErrorCode::mutability, "\"" + target.label + "\" is read-only",
                        target.label);
        }
    }

    // RFC 7644 §3.5.2: operations must fit the schema; a user without a
    // userName, or a group without a displayName, would not.
    static void checkRequired(const Target& target, PatchOperation::Op op, const json& value) {
        if (!target.attribute->required || target.sub || target.filter) return;
        if (op == PatchOperation::Op::remove || isCleared(value)) {
            throw Error(ErrorCode::invalid_input,
                        "\"" + target.label + "\" is required and cannot be removed", target.label);
        }
    }

    // Where the schema's attributes live: the resource itself for the core
    // schema, the object under the extension's URN otherwise.
    json* existingContainer(const SchemaDef& schema) const {
        if (isCore(schema)) return &resource_;
        json* box = findMember(resource_, schema.id);
        if (box != nullptr && !box->is_object()) wrongType(schema.id, "an object");
        return box;
    }

    json& container(const SchemaDef& schema) {
        if (isCore(schema)) return resource_;
        if (findMember(resource_, schema.id) == nullptr) listSchema(schema.id);
        json& box = slot(resource_, schema.id);
        if (box.is_null()) box = json::object();
        if (!box.is_object()) wrongType(schema.id, "an object");
        return box;
    }

    void listSchema(const std::string& urn) {
        json* schemas = findMember(resource_, "schemas");
        if (schemas == nullptr || !schemas->is_array()) return;
        for (const json& listed : *schemas) {
            if (listed.is_string() && equalsIgnoreCase(listed.get<std::string>(), urn)) return;
        }
        schemas->push_back(urn);
    }

    json* existingList(const Target& target) const {
        json* box = existingContainer(*target.schema);
        json* list = box ? findMember(*box, target.attribute->name) : nullptr;
        if (list != nullptr && !list->is_array()) wrongType(target.attribute->name, "a list");
        return list;
    }

    json& list(const Target& target) {
        json& list = slot(container(*target.schema), target.attribute->name);
        if (list.is_null()) list = json::array();
        if (!list.is_array()) wrongType(target.attribute->name, "a list");
        return list;
    }

    // A list left empty is removed: SCIM does not return empty attributes.
    void dropIfEmpty(const Target& target) {
        json* box = existingContainer(*target.schema);
        json* value = box ? findMember(*box, target.attribute->name) : nullptr;
        if (value != nullptr && (value->is_null() || value->empty())) {
            eraseMember(*box, target.attribute->name);
        }
    }

    bool isManager(const Target& target) const {
        return equalsIgnoreCase(target.schema->id, kEnterpriseUserSchema) &&
               target.attribute->name == "manager";
    }

    // ---- add / replace ----

    void write(const Target& target, const json& value, Mode mode) {
        if (isManager(target)) return writeManager(target, value);
        if (target.filter != nullptr) return writeFiltered(target, value);
        if (target.sub != nullptr) return writeSub(target, value);
        const AttributeDef& attribute = *target.attribute;
        const json normal = normalized(attribute, value, target.label);
        json& box = container(*target.schema);
        const bool singleComplex =
            attribute.type == AttributeType::complex && !attribute.multiValued;
        if (normal.is_null()) {
            eraseMember(box, attribute.name);
        } else if (attribute.multiValued && mode == Mode::add) {
            appendElements(target, normal);
        } else if (singleComplex && mode != Mode::whole) {
            mergeInto(slot(box, attribute.name), normal);
        } else {
            set(box, attribute.name, singleComplex ? withoutNulls(normal) : normal);
        }
        dropIfEmpty(target);
    }

    // Add to a list: an element already there (same "value") is updated in
    // place rather than repeated.
    void appendElements(const Target& target, const json& elements) {
        json& existing = list(target);
        for (const json& element : elements) {
            auto same = std::find_if(existing.begin(), existing.end(), [&](const json& other) {
                return sameElement(*target.attribute, other, element);
            });
            if (same == existing.end()) {
                existing.push_back(element);
            } else if (element.is_object()) {
                mergeInto(*same, element);
            }
        }
    }

    // `name.givenName` sets one sub-attribute; `emails.type` sets it on every
    // element (RFC 7644 §3.5.2: no filter selects all values).
    void writeSub(const Target& target, const json& value) {
        json normal = normalized(*target.sub, value, target.label);
        if (!target.attribute->multiValued) {
            json& object = slot(container(*target.schema), target.attribute->name);
            mergeInto(object, json{{target.sub->name, normal}});
        } else {
            json& elements = list(target);
            if (elements.empty() && !normal.is_null()) {
                elements.push_back(json{{target.sub->name, normal}});
            }
            for (json& element : elements) mergeInto(element, json{{target.sub->name, normal}});
        }
        dropIfEmpty(target);
    }

    // Replace (or add) through a filter changes the matching elements; when
    // none match, it adds the element the filter describes. Entra relies on
    // this to set a user's first work email with `emails[type eq "work"].value`.
    void writeFiltered(const Target& target, const json& value) {
        const AttributeDef& attribute = *target.attribute;
        const json change = filteredChange(target, value);
        json& elements = list(target);
        bool matched = false;
        for (auto it = elements.begin(); it != elements.end();) {
            if (!patch_detail::matchesValueFilter(*target.filter, *it, attribute)) {
                ++it;
                continue;
            }
            matched = true;
            if (change.is_null()) {
                it = elements.erase(it);  // the whole element cleared
                continue;
            }
            if (change.is_object()) {
                mergeInto(*it, change);
            } else {
                *it = change;
            }
            ++it;
        }
        if (!matched && !saysNothing(change)) elements.push_back(newElement(target, change));
        dropIfEmpty(target);
    }

    // What a filtered write does to a matching element: the sub-attributes to
    // merge, the new value of a simple element, or null to remove it.
    json filteredChange(const Target& target, const json& value) const {
        if (target.sub != nullptr) {
            return json{{target.sub->name, normalized(*target.sub, value, target.label)}};
        }
        if (isCleared(value)) return nullptr;
        if (target.attribute->type != AttributeType::complex) {
            return scalarValue(*target.attribute, value, target.label);
        }
        return complexValue(*target.attribute, value, target.label);
    }

    static bool saysNothing(const json& change) {
        return change.is_null() || (change.is_object() && withoutNulls(change).empty());
    }

    json newElement(const Target& target, const json& change) const {
        if (!change.is_object()) return change;
        json element = patch_detail::elementFromFilter(*target.filter, *target.attribute);
        mergeInto(element, change);
        return element;
    }

    // The manager is stored as {"value": "<id>"}; clients send the id as a
    // string, {"value": id} or a list of one, and clear it with "", null or
    // {"value": ""}. Its other sub-attributes are derived, so not stored.
    void writeManager(const Target& target, const json& value) {
        if (target.sub != nullptr && target.sub->name != "value") return;
        const std::string id = managerIdOf(value, target.label);
        set(container(*target.schema), "manager", id.empty() ? json() : json{{"value", id}});
    }

    static std::string managerIdOf(const json& value, const std::string& label) {
        if (value.is_array() && value.size() <= 1) {
            return value.empty() ? std::string() : managerIdOf(value.front(), label);
        }
        if (value.is_null()) return {};
        if (value.is_string()) return value.get<std::string>();
        const json* inner = value.is_object() ? findMember(value, "value") : nullptr;
        if (value.is_object() && (inner == nullptr || inner->is_null())) return {};
        if (inner != nullptr && inner->is_string()) return inner->get<std::string>();
        wrongType(label, "a user id, or an object with the id as \"value\"");
    }

    // ---- remove ----

    void remove(const Target& target, const json& value) {
        json* box = existingContainer(*target.schema);
        if (box == nullptr) return;
        const AttributeDef& attribute = *target.attribute;
        if (isManager(target)) {
            eraseMember(*box, attribute.name);
        } else if (target.filter != nullptr) {
            removeFiltered(target);
        } else if (target.sub != nullptr) {
            removeSub(target);
        } else if (attribute.multiValued && !value.is_null()) {
            removeElements(target, value);
        } else {
            eraseMember(*box, attribute.name);
        }
        dropIfEmpty(target);
    }

    void removeSub(const Target& target) {
        json* existing = findMember(*existingContainer(*target.schema), target.attribute->name);
        if (existing == nullptr) return;
        if (!target.attribute->multiValued) {
            eraseMember(*existing, target.sub->name);
            return;
        }
        for (json& element : *existingList(target)) eraseMember(element, target.sub->name);
    }

    // `emails[type eq "home"]` removes those elements; with `.sub`, only that
    // sub-attribute of them. Nothing matching is not an error.
    void removeFiltered(const Target& target) {
        json* elements = existingList(target);
        if (elements == nullptr) return;
        for (auto it = elements->begin(); it != elements->end();) {
            if (!patch_detail::matchesValueFilter(*target.filter, *it, *target.attribute)) {
                ++it;
            } else if (target.sub != nullptr) {
                eraseMember(*it++, target.sub->name);
            } else {
                it = elements->erase(it);
            }
        }
    }

    // remove with a value: just the listed elements (RFC 7644 §3.5.2.2).
    void removeElements(const Target& target, const json& value) {
        json* elements = existingList(target);
        if (elements == nullptr) return;
        const json doomed = listValue(*target.attribute, value, target.label);
        for (const json& element : doomed) {
            if (element.is_object() && findMember(element, "value") == nullptr) {
                wrongType(target.label, "a list of objects with a \"value\"");
            }
        }
        auto listed = [&](const json& element) {
            return std::any_of(doomed.begin(), doomed.end(), [&](const json& gone) {
                return listedForRemoval(*target.attribute, gone, element);
            });
        };
        elements->erase(std::remove_if(elements->begin(), elements->end(), listed),
                        elements->end());
    }
};

}  // namespace

namespace patch_detail {

void applyOperation(json& resource, const PatchOperation& operation, const ResourceTypeDef& type) {
    ResourcePatcher(resource, type).apply(operation);
}

}  // namespace patch_detail

json applyPatch(json resource, const std::vector<PatchOperation>& operations,
                const ResourceTypeDef& type) {
    if (!resource.is_object()) {
        throw Error(ErrorCode::invalid_syntax, "a " + type.name + " must be a JSON object");
    }
    try {
        for (const PatchOperation& operation : operations) {
            patch_detail::applyOperation(resource, operation, type);
        }
    } catch (const json::exception& error) {
        // The code checks types before reading values; this keeps the
        // promise of throwing only muster::Error should a check be missing.
        throw Error(ErrorCode::invalid_input, std::string("malformed value: ") + error.what());
    }
    return resource;
}

}  // namespace muster::scim
