#pragma once

// SCIM JSON ⇄ Muster domain objects for the User and Group resource types.

#include <nlohmann/json.hpp>
#include <string>

#include "muster/core/model.hpp"

namespace muster::scim {

// Where resources live, for meta.location and $ref: "https://host/scim/v2".
struct Links {
    std::string baseUrl;
};

// Weak ETag of a version: W/"7".
std::string etagOf(std::int64_t version);
std::string idText(Id id);
// Parses a SCIM id; std::nullopt when it is not one of ours.
std::optional<Id> parseId(const std::string& text);

// A resource as SCIM JSON text (what GET answers), written without a DOM;
// the nlohmann::json forms parse that text, so the two never differ. They
// are for PATCH and attribute projection.
std::string userToScimText(const User& user, const Links& links);
nlohmann::json userToScim(const User& user, const Links& links);
std::string userLocation(Id id, const Links& links);

// Reads a POST or PUT body onto `base`: every writable attribute of the
// schemas is replaced (absent means cleared), read-only ones are ignored, and
// the rest of `base` (id, status history, MFA, …) is kept. Throws
// Error(invalid_syntax) for an unknown schema and Error(invalid_input) naming
// the attribute for a value of the wrong type.
User userFromScim(const nlohmann::json& body, User base);

std::string groupToScimText(const Group& group, const Links& links, bool withMembers);
nlohmann::json groupToScim(const Group& group, const Links& links, bool withMembers);
std::string groupLocation(Id id, const Links& links);
Group groupFromScim(const nlohmann::json& body, Group base);

// Members as SCIM sends them: [{"value":"12","type":"User"}, …]. A member
// without a type is looked up by the caller; `kind` is empty then.
struct MemberRef {
    Id id = 0;
    std::optional<GroupMember::Kind> kind;
};
std::vector<MemberRef> membersFromScim(const nlohmann::json& members);

// Entra ID sends booleans as the strings "True"/"False".
std::optional<bool> lenientBool(const nlohmann::json& value);

}  // namespace muster::scim
