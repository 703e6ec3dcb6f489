#include <charconv>
#include <cstdio>
#include <string>
#include <variant>

#include "muster/scim/filter.hpp"

namespace muster::scim {
namespace {

template <typename... Visitors>
struct Overloaded : Visitors... {
    using Visitors::operator()...;
};
template <typename... Visitors>
Overloaded(Visitors...) -> Overloaded<Visitors...>;

void appendJsonString(std::string& out, std::string_view text) {
    out += '"';
    for (const char c : text) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char escaped[8];
                    std::snprintf(escaped, sizeof escaped, "\\u%04X", static_cast<unsigned>(c));
                    out += escaped;
                } else {
                    out += c;
                }
        }
    }
    out += '"';
}

// Shortest text that reads back as the same double, and still as a double
// rather than an integer ("1.0", not "1").
std::string formatDouble(double value) {
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    std::string text(buffer, result.ptr);
    if (text.find_first_of(".e") == std::string::npos) text += ".0";
    return text;
}

// `bare` omits the parentheses around an and/or where its extent is already
// clear: at the top, inside "not (...)" and inside "[...]".
void appendNode(std::string& out, const Node& node, bool bare);

void appendBinary(std::string& out, const Node& left, std::string_view keyword, const Node& right,
                  bool bare) {
    if (!bare) out += '(';
    appendNode(out, left, false);
    out += ' ';
    out += keyword;
    out += ' ';
    appendNode(out, right, false);
    if (!bare) out += ')';
}

void appendNode(std::string& out, const Node& node, bool bare) {
    std::visit(Overloaded{
                   [&](const Comparison& c) {
                       out += toString(c.path);
                       out += ' ';
                       out += toString(c.op);
                       if (c.value) {
                           out += ' ';
                           out += toString(*c.value);
                       }
                   },
                   [&](const And& a) { appendBinary(out, *a.left, "and", *a.right, bare); },
                   [&](const Or& o) { appendBinary(out, *o.left, "or", *o.right, bare); },
                   [&](const Not& n) {
                       out += "not (";
                       appendNode(out, *n.child, true);
                       out += ')';
                   },
                   [&](const ValuePath& v) {
                       out += toString(v.path);
                       out += '[';
                       appendNode(out, *v.inner, true);
                       out += ']';
                   },
               },
               node.expr);
}

}  // namespace

std::string toString(const Node& node) {
    std::string out;
    appendNode(out, node, true);
    return out;
}

std::string toString(const AttributePath& path) {
    std::string out;
    if (!path.schemaUrn.empty()) out += path.schemaUrn + ":";
    out += path.attribute;
    if (!path.subAttribute.empty()) out += "." + path.subAttribute;
    return out;
}

std::string_view toString(CompareOp op) {
    switch (op) {
        case CompareOp::eq:
            return "eq";
        case CompareOp::ne:
            return "ne";
        case CompareOp::co:
            return "co";
        case CompareOp::sw:
            return "sw";
        case CompareOp::ew:
            return "ew";
        case CompareOp::pr:
            return "pr";
        case CompareOp::gt:
            return "gt";
        case CompareOp::ge:
            return "ge";
        case CompareOp::lt:
            return "lt";
        case CompareOp::le:
            return "le";
    }
    return "?";
}

std::string toString(const Value& value) {
    return std::visit(Overloaded{
                          [](std::nullptr_t) { return std::string("null"); },
                          [](bool b) { return std::string(b ? "true" : "false"); },
                          [](std::int64_t i) { return std::to_string(i); },
                          [](double d) { return formatDouble(d); },
                          [](const std::string& s) {
                              std::string out;
                              appendJsonString(out, s);
                              return out;
                          },
                      },
                      value);
}

}  // namespace muster::scim
