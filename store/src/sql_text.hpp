#pragma once

// Small text encodings shared by the repositories.

#include <string>
#include <string_view>
#include <vector>

#include "muster/core/model.hpp"

namespace muster::store {

// The *_norm columns: ASCII lowercase, so SQLite and PostgreSQL compare alike.
std::string normalized(std::string_view text);

// Lists (tags, sites) are stored one item per line.
std::string joinLines(const std::vector<std::string>& items);
std::vector<std::string> splitLines(const std::string& text);

std::string joinScopes(const std::vector<TokenScope>& scopes);
std::vector<TokenScope> splitScopes(const std::string& text);

std::string_view sitesModeName(SiteAccess::Mode mode);
SiteAccess::Mode parseSitesMode(std::string_view text);
MfaStatus parseMfaStatus(std::string_view text);

// "email \"a@x.com\"", "device login \"CORP\\bob\"": how messages name an identifier.
std::string describeIdentifier(const Identifier& identifier);
// The attribute a client knows an identifier by: "emails" or "identifiers".
std::string identifierAttribute(IdentifierKind kind);

}  // namespace muster::store
