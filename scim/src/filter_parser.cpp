#include "filter_grammar.hpp"
#include "muster/scim/filter.hpp"

namespace muster::scim {

FilterPtr parseFilter(std::string_view text, int maxDepth) {
    detail::Parser parser(text, maxDepth, detail::kFilterSyntax);
    parser.expectNonEmpty();
    FilterPtr filter = parser.parseOrChain();
    parser.expectEnd("\"and\", \"or\" or end of filter");
    return filter;
}

}  // namespace muster::scim
