#include "muster/core/model.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace muster {

Timestamp nowMillis() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

namespace {

void putDigits(char* at, int value, int count) {
    for (int i = count - 1; i >= 0; --i) {
        at[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
}

}  // namespace

// By hand rather than snprintf: every SCIM resource carries two timestamps,
// and formatting them was a noticeable share of rendering one.
std::string formatTimestamp(Timestamp millis) {
    std::time_t seconds = static_cast<std::time_t>(millis / 1000);
    int fraction = static_cast<int>(millis % 1000);
    if (fraction < 0) {
        fraction += 1000;
        seconds -= 1;
    }
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    const int year = utc.tm_year + 1900;
    if (year < 0 || year > 9999) {
        char text[64];
        std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", year,
                      utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, fraction);
        return text;
    }
    std::string text = "0000-00-00T00:00:00.000Z";
    putDigits(&text[0], year, 4);
    putDigits(&text[5], utc.tm_mon + 1, 2);
    putDigits(&text[8], utc.tm_mday, 2);
    putDigits(&text[11], utc.tm_hour, 2);
    putDigits(&text[14], utc.tm_min, 2);
    putDigits(&text[17], utc.tm_sec, 2);
    putDigits(&text[20], fraction, 3);
    return text;
}

namespace {

bool readDigits(std::string_view text, std::size_t& pos, std::size_t count, int& out) {
    if (pos + count > text.size()) return false;
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
        char c = text[pos + i];
        if (c < '0' || c > '9') return false;
        value = value * 10 + (c - '0');
    }
    pos += count;
    out = value;
    return true;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
    if (pos < text.size() && (text[pos] == c || (c == 'T' && text[pos] == 't'))) {
        ++pos;
        return true;
    }
    return false;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t daysFromCivil(int year, int month, int day) {
    year -= month <= 2;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const unsigned yearOfEra = static_cast<unsigned>(year - era * 400);
    const unsigned dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const unsigned dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146097 + static_cast<std::int64_t>(dayOfEra) - 719468;
}

}  // namespace

std::optional<Timestamp> parseTimestamp(std::string_view text) {
    std::size_t pos = 0;
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!readDigits(text, pos, 4, year) || !expect(text, pos, '-') ||
        !readDigits(text, pos, 2, month) || !expect(text, pos, '-') ||
        !readDigits(text, pos, 2, day) || !expect(text, pos, 'T') ||
        !readDigits(text, pos, 2, hour) || !expect(text, pos, ':') ||
        !readDigits(text, pos, 2, minute) || !expect(text, pos, ':') ||
        !readDigits(text, pos, 2, second)) {
        return std::nullopt;
    }
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
        return std::nullopt;
    }
    int millis = 0;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        int digits = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            if (digits < 3) millis = millis * 10 + (text[pos] - '0');
            ++digits;
            ++pos;
        }
        if (digits == 0) return std::nullopt;
        for (; digits < 3; ++digits) millis *= 10;
    }
    int offsetMinutes = 0;
    if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
        ++pos;
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        int sign = text[pos] == '-' ? -1 : 1;
        ++pos;
        int offHour = 0, offMinute = 0;
        if (!readDigits(text, pos, 2, offHour) || !expect(text, pos, ':') ||
            !readDigits(text, pos, 2, offMinute)) {
            return std::nullopt;
        }
        offsetMinutes = sign * (offHour * 60 + offMinute);
    } else {
        return std::nullopt;
    }
    if (pos != text.size()) return std::nullopt;
    std::int64_t seconds = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 +
                           second - offsetMinutes * 60;
    return seconds * 1000 + millis;
}

std::string_view toString(UserStatus status) {
    switch (status) {
        case UserStatus::invited:
            return "invited";
        case UserStatus::active:
            return "active";
        case UserStatus::deactivated:
            return "deactivated";
    }
    return "active";
}

std::optional<UserStatus> parseUserStatus(std::string_view text) {
    if (text == "invited") return UserStatus::invited;
    if (text == "active") return UserStatus::active;
    if (text == "deactivated") return UserStatus::deactivated;
    return std::nullopt;
}

std::string_view toString(IdentifierKind kind) {
    switch (kind) {
        case IdentifierKind::upn:
            return "upn";
        case IdentifierKind::email:
            return "email";
        case IdentifierKind::employee_id:
            return "employee_id";
        case IdentifierKind::device_login:
            return "device_login";
    }
    return "email";
}

std::optional<IdentifierKind> parseIdentifierKind(std::string_view text) {
    if (text == "upn") return IdentifierKind::upn;
    if (text == "email") return IdentifierKind::email;
    if (text == "employee_id") return IdentifierKind::employee_id;
    if (text == "device_login") return IdentifierKind::device_login;
    return std::nullopt;
}

std::string_view toString(MfaStatus status) {
    return status == MfaStatus::enabled ? "enabled" : "not_enrolled";
}

std::string_view toString(TokenScope scope) {
    switch (scope) {
        case TokenScope::operator_:
            return "operator";
        case TokenScope::admin:
            return "admin";
        case TokenScope::scim:
            return "scim";
        case TokenScope::agent:
            return "agent";
    }
    return "scim";
}

std::optional<TokenScope> parseTokenScope(std::string_view text) {
    if (text == "operator") return TokenScope::operator_;
    if (text == "admin") return TokenScope::admin;
    if (text == "scim") return TokenScope::scim;
    if (text == "agent") return TokenScope::agent;
    return std::nullopt;
}

bool ApiToken::hasScope(TokenScope scope) const {
    return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

std::string displayIdentifier(const User& user) {
    const Identifier* best = nullptr;
    for (const Identifier& identifier : user.identifiers) {
        // Among emails the primary one wins; otherwise the first of the best kind.
        if (best == nullptr || identifier.kind < best->kind ||
            (identifier.kind == best->kind && identifier.primary && !best->primary)) {
            best = &identifier;
        }
    }
    if (best == nullptr) return user.userName;
    if (best->kind == IdentifierKind::device_login && !best->logonDomain.empty()) {
        return best->logonDomain + "\\" + best->value;
    }
    return best->value;
}

std::string deletedUserDisplay(Id id) { return "Deleted User (ID: " + std::to_string(id) + ")"; }

std::string lowerAscii(std::string_view text) {
    std::string lower(text);
    for (char& c : lower) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return lower;
}

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && lowerAscii(a) == lowerAscii(b);
}

}  // namespace muster
