#include "agent_json.hpp"

namespace muster::daemon {

namespace {

nlohmann::json optionalId(const std::optional<Id>& id) {
    return id ? nlohmann::json(*id) : nlohmann::json(nullptr);
}

nlohmann::json ruleFields(Id id, const std::optional<Id>& userId,
                          const policies::TrackingRule& rule) {
    return {{"id", id},
            {"kind", userId ? "user" : "exclusion"},
            {"source", std::string(policies::toString(rule.source))},
            {"username", rule.username},
            {"domain", rule.everyDomain() ? nlohmann::json(nullptr) : nlohmann::json(rule.domain)},
            {"userId", optionalId(userId)}};
}

}  // namespace

nlohmann::json deviceJson(const Device& device) {
    return {
        {"id", device.id},
        {"deviceId", device.deviceId},
        {"hostname", device.hostname},
        {"os", device.os},
        {"agentVersion", device.agentVersion},
        {"deviceLogin",
         {{"username", device.lastLogin.username}, {"logonDomain", device.lastLogin.logonDomain}}},
        {"status", std::string(toString(device.status))},
        {"userId", optionalId(device.userId)},
        {"firstSeen", formatTimestamp(device.firstSeenAt)},
        {"lastCheckin", formatTimestamp(device.lastCheckinAt)},
        {"decided", device.decidedAt ? nlohmann::json(formatTimestamp(*device.decidedAt))
                                     : nlohmann::json(nullptr)}};
}

nlohmann::json ruleJson(const policies::IndexedRule& rule) {
    return ruleFields(rule.id, rule.userId, rule.rule);
}

nlohmann::json ruleJson(const TrackingRuleRecord& record) {
    nlohmann::json json = ruleFields(record.id, record.userId, record.rule);
    json["note"] = record.note;
    json["created"] = formatTimestamp(record.createdAt);
    return json;
}

nlohmann::json answerJson(const TrackingAnswer& answer) {
    return {{"track", answer.track},
            {"rule", answer.rule ? ruleJson(*answer.rule) : nlohmann::json(nullptr)}};
}

std::optional<Id> parsePositiveId(const std::string& text) {
    if (text.empty() || text.size() > 18) return std::nullopt;
    Id value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    if (value <= 0) return std::nullopt;
    return value;
}

}  // namespace muster::daemon
