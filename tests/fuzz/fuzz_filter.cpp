// libFuzzer target for muster::scim::parseFilter.
//
// Any input must either parse or throw muster::Error(invalid_filter) with a
// well-formed message. Anything else — another exception, a sanitizer report,
// a stack overflow — is a finding, so only muster::Error is caught. A parsed
// filter must also read back identically from its canonical text.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_checks.hpp"
#include "muster/core/error.hpp"
#include "muster/scim/filter.hpp"

namespace {

using muster::scim::kMaxFilterDepthCeiling;
using muster::scim::parseFilter;
using muster::scim::toString;

void checkRoundTrip(const muster::scim::Node& filter) {
    const std::string canonical = toString(filter);
    try {
        muster::fuzz::expectSame(toString(*parseFilter(canonical, kMaxFilterDepthCeiling)),
                                 canonical);
    } catch (const muster::Error& error) {
        // The canonical text puts every nested and/or in parentheses, so it
        // may hit the size or depth limit where the original did not.
        muster::fuzz::expectLimitError(error);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        checkRoundTrip(*parseFilter(text));
    } catch (const muster::Error& error) {
        muster::fuzz::expectSyntaxError(error, muster::ErrorCode::invalid_filter,
                                        "invalid filter at position ");
    }
    return 0;
}
