// Admin API for the org structure (SPEC U-1, U-10):
// /api/v1/departments (with /{id}/sections), /api/v1/teams, /api/v1/sites,
// /api/v1/tags. Lists are cursor-paged in name order; every entry says how
// many users carry it.

#include <nlohmann/json.hpp>
#include <set>

#include "muster/core/error.hpp"
#include "muster/core/org_service.hpp"
#include "muster/daemon/admin_api.hpp"
#include "muster/daemon/json_body.hpp"
#include "muster/daemon/routes.hpp"

namespace muster::daemon {

namespace {

using policies::TagCondition;
using policies::TagRule;
using policies::TagRuleJoin;
using policies::TagRuleOp;

Error ruleError(const std::string& where, const std::string& message) {
    return Error(ErrorCode::invalid_input, "rule" + where + ": " + message, "rule");
}

nlohmann::json ruleJson(const TagRule& rule) {
    nlohmann::json conditions = nlohmann::json::array();
    for (const TagCondition& condition : rule.conditions) {
        conditions.push_back(
            {{"attribute", condition.attribute},
             {"op", std::string(policies::toString(condition.op))},
             {"value", condition.op == TagRuleOp::in
                           ? nlohmann::json(condition.values)
                           : nlohmann::json(condition.values.empty() ? std::string()
                                                                     : condition.values.front())}});
    }
    return {{std::string(policies::toString(rule.join)), conditions}};
}

TagCondition conditionFromJson(const nlohmann::json& item, const std::string& where) {
    if (!item.is_object()) {
        throw ruleError(where, "each condition is {\"attribute\", \"op\", \"value\"}");
    }
    for (const auto& [key, value] : item.items()) {
        if (key != "attribute" && key != "op" && key != "value") {
            throw ruleError(where, key + " is not part of a condition");
        }
    }
    TagCondition condition;
    auto attribute = item.find("attribute");
    if (attribute == item.end() || !attribute->is_string()) {
        throw ruleError(where + ".attribute", "the attribute name is required");
    }
    condition.attribute = attribute->get<std::string>();
    auto op = item.find("op");
    std::optional<TagRuleOp> parsed = op != item.end() && op->is_string()
                                          ? policies::parseTagRuleOp(op->get<std::string>())
                                          : std::nullopt;
    if (!parsed) throw ruleError(where + ".op", "one of eq, ne, sw, ew, co, in");
    condition.op = *parsed;
    auto value = item.find("value");
    if (value == item.end()) throw ruleError(where + ".value", "a value is required");
    if (condition.op == TagRuleOp::in) {
        if (!value->is_array()) throw ruleError(where + ".value", "\"in\" takes a list of strings");
        for (const nlohmann::json& one : *value) {
            if (!one.is_string()) {
                throw ruleError(where + ".value", "\"in\" takes a list of strings");
            }
            condition.values.push_back(one.get<std::string>());
        }
    } else {
        if (!value->is_string()) throw ruleError(where + ".value", "a string is required");
        condition.values = {value->get<std::string>()};
    }
    return condition;
}

// {"all": [...]} or {"any": [...]}; deeper checks (attributes, limits) are
// the policy's (policies::findTagRuleProblem, run by the service).
TagRule ruleFromJson(const nlohmann::json& json) {
    if (!json.is_object() || json.size() != 1 || !(json.contains("all") || json.contains("any"))) {
        throw ruleError("", "a rule is {\"all\": [conditions]} or {\"any\": [conditions]}");
    }
    TagRule rule;
    rule.join = json.contains("any") ? TagRuleJoin::any : TagRuleJoin::all;
    const std::string joinName(policies::toString(rule.join));
    const nlohmann::json& conditions = json.at(joinName);
    if (!conditions.is_array()) throw ruleError("." + joinName, "a list of conditions");
    if (conditions.size() > policies::TagRuleLimits::maxConditions) {
        throw ruleError("." + joinName, "a rule has at most " +
                                            std::to_string(policies::TagRuleLimits::maxConditions) +
                                            " conditions");
    }
    for (std::size_t i = 0; i < conditions.size(); ++i) {
        rule.conditions.push_back(
            conditionFromJson(conditions[i], "." + joinName + "[" + std::to_string(i) + "]"));
    }
    return rule;
}

nlohmann::json entryJson(const OrgEntryView& view, bool withSections) {
    const OrgEntry& entry = view.entry;
    nlohmann::json json = {
        {"id", entry.id},
        {"name", entry.name},
        {"description", entry.description},
        {"userCount", view.userCount},
        {"created", formatTimestamp(entry.createdAt)},
        {"updated", formatTimestamp(entry.updatedAt)},
    };
    if (entry.kind == OrgKind::section) json["departmentId"] = entry.departmentId;
    if (entry.kind == OrgKind::tag) {
        json["kind"] = std::string(toString(entry.tagKind));
        json["rule"] = entry.rule ? ruleJson(*entry.rule) : nlohmann::json(nullptr);
    }
    if (withSections && entry.kind == OrgKind::department) {
        nlohmann::json sections = nlohmann::json::array();
        for (const OrgEntryView& section : view.sections) {
            sections.push_back(entryJson(section, false));
        }
        json["sections"] = sections;
    }
    return json;
}

void refuseUnknownKeys(const nlohmann::json& body, OrgKind kind) {
    std::set<std::string> known = {"name", "description"};
    if (kind == OrgKind::tag) known.insert("rule");
    for (const auto& [key, value] : body.items()) {
        if (!known.count(key)) {
            throw Error(ErrorCode::invalid_input,
                        key + " is not a known attribute of a " + std::string(toString(kind)) +
                            (key == "rule" ? " (only tags have a rule)" : ""),
                        key);
        }
    }
}

// The department of a /departments/{id}/sections... path; unset otherwise.
std::optional<Id> departmentOf(const HttpRequest& request, OrgKind kind) {
    if (kind != OrgKind::section) return std::nullopt;
    return pathId(request, "departmentId", "department");
}

std::string entryIdParam(OrgKind kind) { return kind == OrgKind::section ? "sectionId" : "id"; }

Id entryId(const HttpRequest& request, OrgKind kind) {
    return pathId(request, entryIdParam(kind).c_str(), std::string(toString(kind)).c_str());
}

std::string collectionPath(OrgKind kind, std::optional<Id> departmentId) {
    switch (kind) {
        case OrgKind::department:
            return "/api/v1/departments";
        case OrgKind::section:
            return "/api/v1/departments/" + std::to_string(departmentId.value_or(0)) + "/sections";
        case OrgKind::team:
            return "/api/v1/teams";
        case OrgKind::site:
            return "/api/v1/sites";
        case OrgKind::tag:
            return "/api/v1/tags";
    }
    return "/api/v1";
}

HttpResponse listEntries(ServerContext& context, HttpRequest& request, OrgKind kind) {
    requireAdmin(request.caller());
    const query::ListQuery paging = listQueryOf(request);
    OrgListParams params;
    params.cursor = paging.cursor;
    params.limit = paging.count;
    if (kind == OrgKind::tag) {
        if (auto text = request.queryParam("kind"); text && !text->empty()) {
            params.tagKind = parseTagKind(*text);
            if (!params.tagKind) {
                throw Error(ErrorCode::invalid_input, "kind must be static or dynamic", "kind");
            }
        }
    }
    const OrgPage page =
        context.org.list(request.caller(), kind, departmentOf(request, kind), params);
    nlohmann::json items = nlohmann::json::array();
    for (const OrgEntryView& view : page.items) items.push_back(entryJson(view, false));
    return HttpResponse::json(200, pageJson(std::move(items), page.nextCursor).dump());
}

HttpResponse getEntry(ServerContext& context, HttpRequest& request, OrgKind kind) {
    requireAdmin(request.caller());
    const OrgEntryView view = context.org.get(request.caller(), kind, entryId(request, kind),
                                              departmentOf(request, kind));
    return HttpResponse::json(200, entryJson(view, true).dump());
}

HttpResponse createEntry(ServerContext& context, HttpRequest& request, OrgKind kind) {
    requireAdmin(request.caller());
    const nlohmann::json body = parseJsonObject(request.body);
    refuseUnknownKeys(body, kind);
    OrgEntry entry;
    entry.kind = kind;
    entry.name = optionalString(body, "name");
    entry.description = optionalString(body, "description");
    if (auto rule = body.find("rule"); rule != body.end() && !rule->is_null()) {
        entry.rule = ruleFromJson(*rule);
    }
    const std::optional<Id> departmentId = departmentOf(request, kind);
    entry.departmentId = departmentId.value_or(0);
    const OrgEntryView created = context.org.create(request.caller(), entry);
    HttpResponse response = HttpResponse::json(201, entryJson(created, true).dump());
    response.headers.emplace_back(
        "Location", collectionPath(kind, departmentId) + "/" + std::to_string(created.entry.id));
    return response;
}

HttpResponse editEntry(ServerContext& context, HttpRequest& request, OrgKind kind) {
    requireAdmin(request.caller());
    const nlohmann::json body = parseJsonObject(request.body);
    refuseUnknownKeys(body, kind);
    OrgEdit edit;
    if (body.contains("name")) edit.name = optionalString(body, "name");
    if (body.contains("description")) edit.description = optionalString(body, "description");
    if (auto rule = body.find("rule"); rule != body.end()) {
        edit.rule = rule->is_null() ? std::optional<TagRule>() : ruleFromJson(*rule);
    }
    const OrgEntryView edited = context.org.edit(request.caller(), kind, entryId(request, kind),
                                                 edit, departmentOf(request, kind));
    return HttpResponse::json(200, entryJson(edited, true).dump());
}

HttpResponse deleteEntry(ServerContext& context, HttpRequest& request, OrgKind kind) {
    requireAdmin(request.caller());
    const std::string force = request.queryParam("force").value_or("false");
    if (force != "true" && force != "false") {
        throw Error(ErrorCode::invalid_input, "force must be true or false", "force");
    }
    context.org.remove(request.caller(), kind, entryId(request, kind), force == "true",
                       departmentOf(request, kind));
    return HttpResponse::noContent();
}

void routeCatalogue(ServerContext& context, OrgKind kind, const std::string& collection) {
    const std::string item = collection + "/{" + entryIdParam(kind) + "}";
    auto add = [&](const char* method, const std::string& pattern,
                   HttpResponse (*action)(ServerContext&, HttpRequest&, OrgKind)) {
        context.router.add(method, pattern, Access::token,
                           [&context, action, kind](HttpRequest& request) {
                               return action(context, request, kind);
                           });
    };
    add("GET", collection, listEntries);
    add("POST", collection, createEntry);
    add("GET", item, getEntry);
    add("PATCH", item, editEntry);
    add("DELETE", item, deleteEntry);
}

}  // namespace

void registerAdminOrgRoutes(ServerContext& context) {
    routeCatalogue(context, OrgKind::department, "/api/v1/departments");
    routeCatalogue(context, OrgKind::section, "/api/v1/departments/{departmentId}/sections");
    routeCatalogue(context, OrgKind::team, "/api/v1/teams");
    routeCatalogue(context, OrgKind::site, "/api/v1/sites");
    routeCatalogue(context, OrgKind::tag, "/api/v1/tags");
}

}  // namespace muster::daemon
