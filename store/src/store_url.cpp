#include "store_url.hpp"

#include <charconv>
#include <string_view>
#include <utility>
#include <vector>

#include "muster/core/error.hpp"

namespace muster::store {

namespace {

constexpr const char* kUrlKey = "store.url";

[[noreturn]] void badUrl(const std::string& why) {
    throw Error(ErrorCode::invalid_input, std::string(kUrlKey) + ": " + why, kUrlKey);
}

bool startsWith(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// RFC 3986 percent-decoding, so a password may contain '@', ':' or '/'.
std::string percentDecode(std::string_view text, const char* part) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        int high = i + 2 < text.size() ? hexValue(text[i + 1]) : -1;
        int low = i + 2 < text.size() ? hexValue(text[i + 2]) : -1;
        if (high < 0 || low < 0) badUrl(std::string("bad percent-escape in the ") + part);
        out += static_cast<char>(high * 16 + low);
        i += 2;
    }
    return out;
}

bool isUnreserved(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

std::string percentEncode(const std::string& text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (isUnreserved(c)) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

// SOCI's SQLite backend reads "db=<path>"; quoting keeps paths with spaces whole.
ConnectionTarget sqliteTarget(std::string path) {
    if (path.empty()) badUrl("the SQLite URL names no database file");
    if (path == ":memory:") {
        badUrl(
            "in-memory SQLite is not supported: every pooled connection would see its own "
            "empty database");
    }
    if (path.find('"') != std::string::npos) badUrl("the SQLite path may not contain '\"'");
    ConnectionTarget target;
    target.backend = Backend::sqlite3;
    target.sqlitePath = path;
    target.connectString = "db=\"" + path + "\"";
    return target;
}

ConnectionTarget parseSqlite(std::string_view rest) {
    // sqlite:///abs/path: the empty authority leaves an absolute path.
    if (startsWith(rest, "//")) {
        rest.remove_prefix(2);
        if (!startsWith(rest, "/")) badUrl("use sqlite:///absolute/path or sqlite:relative/path");
    }
    return sqliteTarget(std::string(rest));
}

void parsePort(std::string_view text, std::string& out) {
    int port = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
    if (error != std::errc{} || end != text.data() + text.size() || port < 1 || port > 65535) {
        badUrl("the PostgreSQL port must be a number from 1 to 65535");
    }
    out = std::to_string(port);
}

// host, host:port, [v6], [v6]:port
void parseHostPort(std::string_view text, std::string& host, std::string& port) {
    std::size_t portColon = std::string_view::npos;
    if (startsWith(text, "[")) {
        std::size_t close = text.find(']');
        if (close == std::string_view::npos) badUrl("unterminated '[' in the PostgreSQL host");
        host = std::string(text.substr(1, close - 1));
        if (close + 1 < text.size()) {
            if (text[close + 1] != ':') badUrl("unexpected text after the PostgreSQL host");
            portColon = close + 1;
        }
    } else {
        portColon = text.rfind(':');
        host = percentDecode(text.substr(0, portColon), "host");
    }
    if (portColon != std::string_view::npos) parsePort(text.substr(portColon + 1), port);
}

// The decoded parts of a postgresql:// URL.
struct PostgresUrl {
    std::string user, password, host, port, database;
    std::vector<std::pair<std::string, std::string>> parameters;
};

void parseQueryParameters(std::string_view query, PostgresUrl& url) {
    while (!query.empty()) {
        std::size_t amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (pair.empty()) continue;
        std::size_t eq = pair.find('=');
        if (eq == std::string_view::npos || eq == 0)
            badUrl("PostgreSQL URL parameters are key=value");
        url.parameters.emplace_back(percentDecode(pair.substr(0, eq), "parameters"),
                                    percentDecode(pair.substr(eq + 1), "parameters"));
    }
}

PostgresUrl parsePostgresUrl(std::string_view rest) {
    PostgresUrl url;
    std::size_t query = rest.find('?');
    std::string_view beforeQuery = rest.substr(0, query);
    std::size_t slash = beforeQuery.find('/');
    std::string_view authority = beforeQuery.substr(0, slash);
    if (slash != std::string_view::npos) {
        url.database = percentDecode(beforeQuery.substr(slash + 1), "database name");
    }
    std::size_t at = authority.rfind('@');
    if (at != std::string_view::npos) {
        std::string_view userInfo = authority.substr(0, at);
        std::size_t colon = userInfo.find(':');
        url.user = percentDecode(userInfo.substr(0, colon), "user name");
        if (colon != std::string_view::npos) {
            url.password = percentDecode(userInfo.substr(colon + 1), "password");
        }
        authority.remove_prefix(at + 1);
    }
    parseHostPort(authority, url.host, url.port);
    if (query != std::string_view::npos) parseQueryParameters(rest.substr(query + 1), url);
    return url;
}

bool hasParameter(const PostgresUrl& url, const std::string& key) {
    for (const auto& parameter : url.parameters) {
        if (parameter.first == key) return true;
    }
    return false;
}

// libpq takes URIs as well as keyword strings, and the URI is the form that
// survives SOCI 4.0: its PostgreSQL backend splits the connection string at
// every space, even inside a quoted keyword value, so a password containing a
// space cannot travel in a keyword string. Re-encoding every part leaves no
// space at all. SOCI also appends '=' to a string without one, which would
// corrupt the database name; connect_timeout (worth having anyway: a daemon
// should not hang at start-up on an unreachable host) guarantees a parameter.
std::string libpqUri(PostgresUrl url) {
    if (!hasParameter(url, "connect_timeout")) url.parameters.emplace_back("connect_timeout", "10");
    std::string uri = "postgresql://";
    if (!url.user.empty()) {
        uri += percentEncode(url.user);
        if (!url.password.empty()) uri += ":" + percentEncode(url.password);
        uri += "@";
    }
    bool ipv6 = url.host.find(':') != std::string::npos;
    uri += ipv6 ? "[" + url.host + "]" : percentEncode(url.host);
    if (!url.port.empty()) uri += ":" + url.port;
    uri += "/" + percentEncode(url.database);
    char separator = '?';
    for (const auto& [key, value] : url.parameters) {
        uri += separator + percentEncode(key) + "=" + percentEncode(value);
        separator = '&';
    }
    return uri;
}

ConnectionTarget parsePostgres(std::string_view rest) {
    PostgresUrl url = parsePostgresUrl(rest);
    ConnectionTarget target;
    target.backend = Backend::postgresql;
    target.password = url.password;
    target.connectString = libpqUri(std::move(url));
    return target;
}

}  // namespace

ConnectionTarget parseStoreUrl(const std::string& url) {
    std::string_view text = url;
    if (startsWith(text, "sqlite:")) return parseSqlite(text.substr(7));
    if (startsWith(text, "postgresql://")) return parsePostgres(text.substr(13));
    if (startsWith(text, "postgres://")) return parsePostgres(text.substr(11));
    std::size_t colon = text.find(':');
    if (colon == std::string_view::npos) {
        badUrl("expected a URL starting with sqlite: or postgresql://");
    }
    badUrl("unsupported scheme \"" + std::string(text.substr(0, colon)) +
           "\" (expected sqlite: or postgresql://)");
}

}  // namespace muster::store
