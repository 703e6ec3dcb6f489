#pragma once

// Muster's domain model: plain values, no HTTP, JSON or SQL types.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace muster {

using Id = std::int64_t;
// Milliseconds since the Unix epoch, UTC. Stored as an integer so that SQLite
// and PostgreSQL compare and index times the same way.
using Timestamp = std::int64_t;

Timestamp nowMillis();

// ASCII case folding, the one Muster uses for names and identifiers (the
// store's *_norm columns fold the same way).
std::string lowerAscii(std::string_view text);
bool equalsIgnoringCase(std::string_view a, std::string_view b);
// "2026-11-23T05:03:00.123Z"
std::string formatTimestamp(Timestamp millis);
// Parses RFC 3339 / xsd:dateTime ("2026-11-23T05:03:00Z", fractions and offsets
// allowed); std::nullopt when the text is not a date-time.
std::optional<Timestamp> parseTimestamp(std::string_view text);

struct Tenant {
    Id id = 0;
    std::string name;
    Timestamp createdAt = 0;
};

enum class UserStatus { invited, active, deactivated };
std::string_view toString(UserStatus status);
std::optional<UserStatus> parseUserStatus(std::string_view text);

// SPEC U-2: kinds of identifiers a user may hold, in display-id priority order.
enum class IdentifierKind { upn, email, employee_id, device_login };
std::string_view toString(IdentifierKind kind);
std::optional<IdentifierKind> parseIdentifierKind(std::string_view text);

struct Identifier {
    Id id = 0;
    IdentifierKind kind = IdentifierKind::email;
    std::string value;        // UPN, email address, employee id, or device username
    std::string logonDomain;  // device_login only: the Windows logon domain
    bool anyDomain = false;   // device_login only: the username matches in every domain
    std::string type;         // email only: "work", "home", "other" (SCIM emails.type)
    bool primary = false;     // email only: SCIM emails.primary
};

// SPEC U-1 remote sites: every site, none, or an explicit list.
struct SiteAccess {
    enum class Mode { none, all, listed };
    Mode mode = Mode::none;
    std::vector<std::string> sites;  // when mode == listed
};

struct PersonName {
    std::string formatted;
    std::string familyName;
    std::string givenName;
    std::string middleName;
    std::string honorificPrefix;
    std::string honorificSuffix;
};

enum class MfaStatus { not_enrolled, enabled };
std::string_view toString(MfaStatus status);

struct User {
    Id id = 0;
    Id tenantId = 0;
    std::string userName;  // the login; unique per tenant, case-insensitive
    std::string externalId;
    PersonName name;
    std::string displayName;  // unique per tenant when set
    std::string nickName;
    std::string title;  // job title
    std::string userType;
    std::string preferredLanguage;
    std::string locale;
    std::string timezone;

    std::string employeeNumber;
    std::string costCenter;
    std::string organization;
    std::string division;
    std::string department;
    std::string section;
    std::optional<Id> managerId;
    std::string team;
    std::vector<std::string> tags;
    SiteAccess sites;

    std::vector<Identifier> identifiers;
    std::vector<std::string> roles;  // role names from the tenant's catalogue
    std::vector<Id> groupIds;        // read-only: groups the user is a direct member of
    // SPEC U-9: the primary group an admin chose; without one (or when the
    // user left that group) it is derived from the groups' goals.
    std::optional<Id> primaryGroupId;
    // Read-only: set when the manager was deleted, so reports can still say
    // "Deleted User (ID: n)" (SPEC U-3).
    std::optional<Id> formerManagerId;

    UserStatus status = UserStatus::active;
    bool banned = false;
    bool tracked = true;
    bool profileIncomplete = false;
    std::string identityProvider = "internal";  // or the IdP / directory owning the record
    MfaStatus mfaStatus = MfaStatus::not_enrolled;
    std::int64_t authzVersion = 1;  // bumped on role changes (SPEC T-3)

    std::int64_t version = 1;  // bumped on every change; the SCIM ETag
    Timestamp createdAt = 0;
    Timestamp updatedAt = 0;
    std::optional<Timestamp> lastLoginAt;
};

// The id users see: UPN > email > employee id > device login (SPEC U-2).
std::string displayIdentifier(const User& user);

// How a user that no longer exists is shown wherever it is still referenced
// (audit events, manager fields, agent history): "Deleted User (ID: 12)".
std::string deletedUserDisplay(Id id);

struct GroupMember {
    enum class Kind { user, group };
    Kind kind = Kind::user;
    Id id = 0;
    std::string display;  // filled on read: the member's display name
};

struct Group {
    Id id = 0;
    Id tenantId = 0;
    std::string displayName;  // unique per tenant, case-insensitive
    std::string externalId;
    std::vector<GroupMember> members;
    std::vector<Id> ownerIds;
    std::optional<double> productiveHoursGoal;
    std::int64_t version = 1;
    Timestamp createdAt = 0;
    Timestamp updatedAt = 0;
};

struct Role {
    Id id = 0;
    Id tenantId = 0;
    std::string name;
    int rank = 0;  // higher outranks lower (SPEC T-3)
};

enum class TokenScope { operator_, admin, scim, agent };
std::string_view toString(TokenScope scope);
std::optional<TokenScope> parseTokenScope(std::string_view text);

struct ApiToken {
    Id id = 0;
    Id tenantId = 0;
    std::string name;
    std::vector<TokenScope> scopes;
    // Set for a token issued on behalf of a user: it acts with that user's
    // roles (SPEC T-3). Unset: a tenant-level automation token.
    std::optional<Id> userId;
    std::string secretHash;  // hex SHA-256 of the secret; the secret itself is never stored
    Timestamp createdAt = 0;
    std::optional<Timestamp> lastUsedAt;
    std::optional<Timestamp> revokedAt;

    bool hasScope(TokenScope scope) const;
};

}  // namespace muster
