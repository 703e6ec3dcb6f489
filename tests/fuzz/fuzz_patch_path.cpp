// libFuzzer target for muster::scim::parsePatchPath.
//
// Any input must either parse or throw muster::Error(invalid_path) with a
// well-formed message; only muster::Error is caught, so anything else is a
// finding. A parsed path must also read back identically from its canonical text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_checks.hpp"
#include "muster/core/error.hpp"
#include "muster/scim/path.hpp"

namespace {

using muster::scim::kMaxFilterDepthCeiling;
using muster::scim::parsePatchPath;
using muster::scim::toString;

void checkRoundTrip(const muster::scim::PatchPath& path) {
    const std::string canonical = toString(path);
    try {
        muster::fuzz::expectSame(toString(parsePatchPath(canonical, kMaxFilterDepthCeiling)),
                                 canonical);
    } catch (const muster::Error& error) {
        // Canonical value filters add parentheses: size or depth may run out.
        muster::fuzz::expectLimitError(error);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        checkRoundTrip(parsePatchPath(text));
    } catch (const muster::Error& error) {
        muster::fuzz::expectSyntaxError(error, muster::ErrorCode::invalid_path,
                                        "invalid path at position ");
    }
    return 0;
}
