// musterctl user ... and role ...: the admin API's users (docs/api.md) from a
// shell. Role limits apply as for any other door: the token decides.

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "commands.hpp"

namespace musterctl {
namespace {

std::string joined(const nlohmann::json& list) {
    std::string text;
    for (const auto& item : list) {
        if (!text.empty()) text += ',';
        text += item.is_string() ? item.get<std::string>() : item.dump();
    }
    return text;
}

std::string userPath(const Arguments& args, const char* command, const std::string& rest = "") {
    const std::string id =
        args.positional(2, (std::string(command) + " needs the user ID").c_str());
    return "/api/v1/users/" + urlEncode(id) + rest;
}

void printUserLine(const nlohmann::json& user) {
    std::printf("%-7lld %-28s %-28s %-12s %-7s %s\n", user["id"].get<long long>(),
                user["userName"].get<std::string>().c_str(),
                user["displayId"].get<std::string>().c_str(),
                user["status"].get<std::string>().c_str(), user["banned"] ? "banned" : "-",
                joined(user["roles"]).c_str());
}

int userList(const ApiClient& api, const Arguments& args) {
    std::string query = "?limit=200";
    for (const char* filter :
         {"q", "status", "role", "department", "team", "tag", "sort", "order"}) {
        if (!args.option(filter).empty())
            query += "&" + std::string(filter) + "=" + urlEncode(args.option(filter));
    }
    const nlohmann::json page = api.get("/api/v1/users" + query).body;
    std::printf("%-7s %-28s %-28s %-12s %-7s %s\n", "ID", "USERNAME", "DISPLAY ID", "STATUS",
                "BANNED", "ROLES");
    for (const auto& user : page["items"]) printUserLine(user);
    const nlohmann::json& counts = page["counts"];
    std::cout << "active " << counts["active"] << ", invited " << counts["invited"]
              << ", deactivated " << counts["deactivated"] << ", all " << counts["all"];
    if (page["nextCursor"].is_string()) std::cout << " (first 200 shown)";
    std::cout << "\n";
    return EXIT_SUCCESS;
}

int userShow(const ApiClient& api, const Arguments& args) {
    std::cout << api.get(userPath(args, "user show")).body.dump(2) << "\n";
    return EXIT_SUCCESS;
}

int userCreate(const ApiClient& api, const Arguments& args) {
    nlohmann::json body = {{"userName", args.positional(2, "user create needs a USERNAME")}};
    if (!args.listOption("role").empty()) body["roles"] = args.listOption("role");
    nlohmann::json identifiers = nlohmann::json::array();
    for (const std::string& email : args.listOption("email")) {
        identifiers.push_back({{"kind", "email"}, {"value", email}, {"type", "work"}});
    }
    for (const std::string& upn : args.listOption("upn")) {
        identifiers.push_back({{"kind", "upn"}, {"value", upn}});
    }
    if (!identifiers.empty()) body["identifiers"] = identifiers;
    if (!args.option("display-name").empty()) body["displayName"] = args.option("display-name");
    const nlohmann::json user = api.post("/api/v1/users", body).body;
    std::cout << "user " << user["userName"].get<std::string>() << " created (id " << user["id"]
              << ")\n";
    return EXIT_SUCCESS;
}

int userAction(const ApiClient& api, const Arguments& args, const std::string& action) {
    const nlohmann::json user =
        api.post(userPath(args, ("user " + action).c_str(), "/" + action), nlohmann::json::object())
            .body;
    printUserLine(user);
    return EXIT_SUCCESS;
}

int userActivate(const ApiClient& api, const Arguments& args) {
    return userAction(api, args, "activate");
}
int userDeactivate(const ApiClient& api, const Arguments& args) {
    return userAction(api, args, "deactivate");
}
int userBan(const ApiClient& api, const Arguments& args) { return userAction(api, args, "ban"); }
int userUnban(const ApiClient& api, const Arguments& args) {
    return userAction(api, args, "unban");
}

int userRoles(const ApiClient& api, const Arguments& args) {
    const nlohmann::json user =
        api.put(userPath(args, "user roles", "/roles"), {{"roles", args.listOption("role")}}).body;
    printUserLine(user);
    return EXIT_SUCCESS;
}

int userDelete(const ApiClient& api, const Arguments& args) {
    const std::string confirm = args.option("confirm");
    if (confirm.empty()) throw UsageError("user delete needs --confirm USERNAME (it is permanent)");
    api.remove(userPath(args, "user delete", "?confirm=" + urlEncode(confirm)));
    std::cout << "user " << args.positional(2, "") << " deleted\n";
    return EXIT_SUCCESS;
}

int roleList(const ApiClient& api, const Arguments&) {
    const nlohmann::json roles = api.get("/api/v1/roles").body;
    std::printf("%-8s %s\n", "RANK", "ROLE");
    for (const auto& role : roles["items"]) {
        std::printf("%-8d %s\n", role["rank"].get<int>(), role["name"].get<std::string>().c_str());
    }
    return EXIT_SUCCESS;
}

}  // namespace

void addUserCommands(CommandTable& commands) {
    commands["user list"] = userList;
    commands["user show"] = userShow;
    commands["user create"] = userCreate;
    commands["user activate"] = userActivate;
    commands["user deactivate"] = userDeactivate;
    commands["user ban"] = userBan;
    commands["user unban"] = userUnban;
    commands["user roles"] = userRoles;
    commands["user delete"] = userDelete;
    commands["role list"] = roleList;
}

}  // namespace musterctl
