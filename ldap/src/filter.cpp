#include "muster/ldap/filter.hpp"

#include <cctype>

#include "muster/core/error.hpp"

namespace muster::ldap {

namespace {

constexpr const char* hexDigits = "0123456789abcdef";

void appendHexEscape(std::string& out, unsigned char byte) {
    out += '\\';
    out += hexDigits[byte >> 4];
    out += hexDigits[byte & 0x0f];
}

bool isAttributeChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == ';' || c == '.';
}

// "member", "memberOf:1.2.840.113556.1.4.1941:" or "cn;lang-en".
bool isAttributeDescription(std::string_view text) {
    if (text.empty() || !std::isalpha(static_cast<unsigned char>(text.front()))) return false;
    std::size_t colons = 0;
    for (char c : text) {
        if (c == ':') {
            ++colons;
            continue;
        }
        if (!isAttributeChar(c)) return false;
    }
    return colons == 0 || (colons == 2 && text.back() == ':');
}

}  // namespace

std::string escapeFilterValue(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        const auto byte = static_cast<unsigned char>(c);
        // RFC 4515 requires escaping only * ( ) \ NUL; non-ASCII is escaped
        // too so that a value can never carry bytes a server might mis-read.
        if (c == '*' || c == '(' || c == ')' || c == '\\' || byte < 0x20 || byte >= 0x7f) {
            appendHexEscape(out, byte);
        } else {
            out += c;
        }
    }
    return out;
}

std::string equalityFilter(std::string_view attribute, std::string_view value) {
    if (!isAttributeDescription(attribute)) {
        throw Error(ErrorCode::invalid_input,
                    "\"" + std::string(attribute) + "\" is not an LDAP attribute name", "filter");
    }
    return "(" + std::string(attribute) + "=" + escapeFilterValue(value) + ")";
}

std::string allOf(const std::vector<std::string>& filters) {
    std::vector<const std::string*> parts;
    for (const std::string& filter : filters) {
        if (!filter.empty()) parts.push_back(&filter);
    }
    if (parts.empty()) return "(objectClass=*)";
    if (parts.size() == 1) return *parts.front();
    std::string out = "(&";
    for (const std::string* part : parts) out += *part;
    return out + ")";
}

void checkFilterSyntax(std::string_view filter) {
    auto fail = [&](const std::string& why) {
        throw Error(ErrorCode::invalid_input, "LDAP filter \"" + std::string(filter) + "\": " + why,
                    "filter");
    };
    if (filter.size() < 3 || filter.front() != '(' || filter.back() != ')') {
        fail("must be one parenthesised filter such as (objectClass=person)");
    }
    int depth = 0;
    for (std::size_t i = 0; i < filter.size(); ++i) {
        const char c = filter[i];
        if (c == '\\') {
            if (i + 2 >= filter.size() ||
                !std::isxdigit(static_cast<unsigned char>(filter[i + 1])) ||
                !std::isxdigit(static_cast<unsigned char>(filter[i + 2]))) {
                fail("a backslash must be followed by two hex digits");
            }
            i += 2;
        } else if (c == '(') {
            ++depth;
        } else if (c == ')') {
            if (--depth < 0) fail("unbalanced parentheses");
            if (depth == 0 && i + 1 != filter.size()) fail("text after the closing parenthesis");
        } else if (static_cast<unsigned char>(c) < 0x20) {
            fail("control characters are not allowed");
        }
    }
    if (depth != 0) fail("unbalanced parentheses");
}

std::string escapeDnValue(std::string_view value) {
    std::string out;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const char c = value[i];
        const bool edge = (i == 0 && (c == ' ' || c == '#')) || (i + 1 == value.size() && c == ' ');
        if (c == ',' || c == '+' || c == '"' || c == '\\' || c == '<' || c == '>' || c == ';' ||
            c == '=' || edge) {
            out += '\\';
            out += c;
        } else if (c == '\0') {
            out += "\\00";
        } else {
            out += c;
        }
    }
    return out;
}

std::string normalizeDn(std::string_view dn) {
    std::string out;
    out.reserve(dn.size());
    bool escaped = false;
    for (std::size_t i = 0; i < dn.size(); ++i) {
        const char c = dn[i];
        if (!escaped && (c == ',' || c == '=')) {
            while (!out.empty() && out.back() == ' ') out.pop_back();
            out += c;
            while (i + 1 < dn.size() && dn[i + 1] == ' ') ++i;
            continue;
        }
        escaped = !escaped && c == '\\';
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

}  // namespace muster::ldap
