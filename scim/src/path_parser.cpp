#include "filter_grammar.hpp"
#include "muster/scim/path.hpp"

namespace muster::scim {

// path = attrPath / valuePath [subAttr]   (RFC 7644 §3.5.2)
PatchPath parsePatchPath(std::string_view text, int maxDepth) {
    detail::Parser parser(text, maxDepth, detail::kPathSyntax);
    parser.expectNonEmpty();

    PatchPath path;
    path.attribute = parser.parseAttributePath();
    if (parser.peek().kind != detail::TokenKind::open_bracket) {
        parser.expectEnd("end of path");
        return path;
    }

    path.valueFilter = parser.parseValueFilter(path.attribute);
    const std::size_t afterBracket = parser.previous().offset + 1;
    const detail::Token& token = parser.peek();
    // `emails[type eq "work"].value`: the lexer reads ".value" as one word,
    // which must touch the "]".
    if (token.kind == detail::TokenKind::word && token.source[0] == '.' &&
        token.offset == afterBracket) {
        const std::string_view name = token.source.substr(1);
        parser.checkName(name, token.offset + 1, "sub-attribute name");
        path.subAttribute = name;
        parser.next();
    }
    parser.expectEnd("a \".subAttribute\" right after \"]\", or end of path");
    return path;
}

std::string toString(const PatchPath& path) {
    std::string out = toString(path.attribute);
    if (path.valueFilter) out += "[" + toString(*path.valueFilter) + "]";
    if (!path.subAttribute.empty()) out += "." + path.subAttribute;
    return out;
}

}  // namespace muster::scim
