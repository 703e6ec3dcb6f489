#include "sql_text.hpp"

namespace muster::store {

std::string normalized(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

std::string joinLines(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& item : items) {
        if (!out.empty()) out += '\n';
        out += item;
    }
    return out;
}

std::vector<std::string> splitLines(const std::string& text) {
    std::vector<std::string> items;
    std::size_t begin = 0;
    while (begin < text.size()) {
        std::size_t end = text.find('\n', begin);
        if (end == std::string::npos) end = text.size();
        items.push_back(text.substr(begin, end - begin));
        begin = end + 1;
    }
    return items;
}

std::string joinScopes(const std::vector<TokenScope>& scopes) {
    std::string out;
    for (TokenScope scope : scopes) {
        if (!out.empty()) out += ',';
        out += toString(scope);
    }
    return out;
}

std::vector<TokenScope> splitScopes(const std::string& text) {
    std::vector<TokenScope> scopes;
    std::size_t begin = 0;
    while (begin < text.size()) {
        std::size_t end = text.find(',', begin);
        if (end == std::string::npos) end = text.size();
        // A scope name this build does not know grants nothing.
        if (auto scope = parseTokenScope(std::string_view(text).substr(begin, end - begin))) {
            scopes.push_back(*scope);
        }
        begin = end + 1;
    }
    return scopes;
}

std::string_view sitesModeName(SiteAccess::Mode mode) {
    switch (mode) {
        case SiteAccess::Mode::none:
            return "none";
        case SiteAccess::Mode::all:
            return "all";
        case SiteAccess::Mode::listed:
            return "listed";
    }
    return "none";
}

SiteAccess::Mode parseSitesMode(std::string_view text) {
    if (text == "all") return SiteAccess::Mode::all;
    if (text == "listed") return SiteAccess::Mode::listed;
    return SiteAccess::Mode::none;
}

MfaStatus parseMfaStatus(std::string_view text) {
    return text == toString(MfaStatus::enabled) ? MfaStatus::enabled : MfaStatus::not_enrolled;
}

namespace {

std::string_view kindLabel(IdentifierKind kind) {
    switch (kind) {
        case IdentifierKind::upn:
            return "UPN";
        case IdentifierKind::email:
            return "email";
        case IdentifierKind::employee_id:
            return "employee id";
        case IdentifierKind::device_login:
            return "device login";
    }
    return "identifier";
}

}  // namespace

std::string describeIdentifier(const Identifier& identifier) {
    std::string value = identifier.value;
    if (identifier.kind == IdentifierKind::device_login && !identifier.logonDomain.empty()) {
        value = identifier.logonDomain + "\\" + identifier.value;
    }
    return std::string(kindLabel(identifier.kind)) + " \"" + value + "\"";
}

std::string identifierAttribute(IdentifierKind kind) {
    return kind == IdentifierKind::email ? "emails" : "identifiers";
}

}  // namespace muster::store
