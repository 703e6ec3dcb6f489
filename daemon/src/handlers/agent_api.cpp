// Agent API (SPEC U-6, U-7, U-8) for monitoring agents holding an
// agent-scoped token:
//   POST /agent/v1/checkin    register / attach the device, heartbeat
//   GET  /agent/v1/tracking   ?username=U&domain=D -> {"track": bool, "rule": ...}
//   POST /agent/v1/activity   historical activity of the device's user

#include <nlohmann/json.hpp>

#include "agent_json.hpp"
#include "muster/core/error.hpp"
#include "muster/daemon/json_body.hpp"
#include "muster/daemon/routes.hpp"

namespace muster::daemon {

namespace {

// The caller, which must hold the agent scope; audit source "agent".
Principal agentCaller(const HttpRequest& request) {
    Principal caller = request.caller();
    requireScope(caller, {TokenScope::agent});
    caller.actor.source = "agent";
    return caller;
}

CheckinRequest checkinFrom(const nlohmann::json& body) {
    CheckinRequest request;
    request.deviceId = optionalString(body, "deviceId");
    request.hostname = optionalString(body, "hostname");
    request.os = optionalString(body, "os");
    request.agentVersion = optionalString(body, "agentVersion");
    auto login = body.find("deviceLogin");
    if (login == body.end() || !login->is_object()) {
        throw Error(ErrorCode::invalid_input,
                    "deviceLogin: expected {\"username\": ..., \"logonDomain\": ...}",
                    "deviceLogin");
    }
    request.login.username = optionalString(*login, "username");
    request.login.logonDomain = optionalString(*login, "logonDomain");
    return request;
}

HttpResponse checkin(ServerContext& context, HttpRequest& request) {
    const Principal caller = agentCaller(request);
    const CheckinResult result =
        context.agents.checkin(caller, checkinFrom(parseJsonObject(request.body)));
    const TrackingAnswer tracking = context.tracking.decide(
        caller, result.device.lastLogin.username, result.device.lastLogin.logonDomain);
    nlohmann::json answer = {{"device", deviceJson(result.device)},
                             {"status", std::string(toString(result.device.status))},
                             {"user",
                              {{"id", result.user.id},
                               {"userName", result.user.userName},
                               {"created", result.userCreated},
                               {"profileIncomplete", result.user.profileIncomplete}}},
                             {"tracking", answerJson(tracking)}};
    return HttpResponse::json(result.deviceCreated ? 201 : 200, answer.dump());
}

HttpResponse tracking(ServerContext& context, HttpRequest& request) {
    const Principal& caller = request.caller();
    requireScope(caller, {TokenScope::agent, TokenScope::admin});
    const std::string username = request.queryParam("username").value_or("");
    const std::string domain = request.queryParam("domain").value_or("");
    if (username.empty()) {
        throw Error(ErrorCode::invalid_input, "username is required (?username=U&domain=D)",
                    "username");
    }
    if (username.size() > maxTrackingNameLength || domain.size() > maxTrackingNameLength) {
        throw Error(ErrorCode::invalid_input,
                    "username and domain are at most " + std::to_string(maxTrackingNameLength) +
                        " characters",
                    "username");
    }
    nlohmann::json answer = answerJson(context.tracking.decide(caller, username, domain));
    answer["username"] = username;
    answer["domain"] = domain;
    return HttpResponse::json(200, answer.dump());
}

Timestamp timeMember(const nlohmann::json& record, const char* key) {
    auto found = record.find(key);
    std::optional<Timestamp> time;
    if (found != record.end() && found->is_string())
        time = parseTimestamp(found->get<std::string>());
    if (!time) {
        throw Error(ErrorCode::invalid_input,
                    std::string("records: ") + key + " must be an RFC 3339 date-time", key);
    }
    return *time;
}

HttpResponse activity(ServerContext& context, HttpRequest& request) {
    const Principal caller = agentCaller(request);
    const nlohmann::json body = parseJsonObject(request.body);
    ActivityUpload upload;
    upload.deviceId = optionalString(body, "deviceId");
    auto records = body.find("records");
    if (records == body.end() || !records->is_array()) {
        throw Error(ErrorCode::invalid_input, "records: expected a list", "records");
    }
    if (records->size() > maxActivityRecordsPerUpload) {
        throw Error(
            ErrorCode::too_many,
            "records: at most " + std::to_string(maxActivityRecordsPerUpload) + " per upload",
            "records");
    }
    for (const nlohmann::json& item : *records) {
        if (!item.is_object()) {
            throw Error(ErrorCode::invalid_input, "records: each record is an object", "records");
        }
        ActivityRecord record;
        record.kind = optionalString(item, "kind");
        record.detail = optionalString(item, "detail");
        record.startedAt = timeMember(item, "start");
        record.endedAt = timeMember(item, "end");
        upload.records.push_back(std::move(record));
    }
    const std::size_t stored = context.agents.uploadActivity(caller, upload);
    return HttpResponse::json(201, nlohmann::json{{"stored", stored}}.dump());
}

}  // namespace

void registerAgentRoutes(ServerContext& context) {
    context.router.add("POST", "/agent/v1/checkin", Access::token,
                       [&context](HttpRequest& request) { return checkin(context, request); });
    context.router.add("GET", "/agent/v1/tracking", Access::token,
                       [&context](HttpRequest& request) { return tracking(context, request); });
    context.router.add("POST", "/agent/v1/activity", Access::token,
                       [&context](HttpRequest& request) { return activity(context, request); });
}

}  // namespace muster::daemon
