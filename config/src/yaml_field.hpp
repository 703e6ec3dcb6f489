#pragma once

// Private to muster_config: typed reading of yaml-cpp nodes. Every failure
// becomes one muster::Error line of the form
//   <source>:<line>: <dotted.key>: <problem>
// so an operator can go straight to the offending line.

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace muster::config::detail {

// A YAML value together with the dotted key it was written under and the
// 1-based line of that key. Errors point at the key's line rather than the
// value's: the value may be empty or span several lines, the key never does.
class Field {
  public:
    using Handler = std::function<void(const Field&)>;
    using Handlers = std::vector<std::pair<std::string_view, Handler>>;

    Field(const std::string& source, YAML::Node node, std::string key, int line);

    // The document itself: no key, located where its first node starts.
    static Field root(const std::string& source, const YAML::Node& node);

    const std::string& key() const { return key_; }
    int line() const { return line_; }

    [[noreturn]] void fail(std::string_view problem) const;

    // A key that is not written under this mapping; errors about it point at
    // this mapping's own line.
    Field absentChild(std::string_view name) const;
    [[noreturn]] void failMissing(std::string_view name) const;

    // The same value, reported at another line.
    Field atLine(int line) const { return Field(source_, node_, key_, line); }

    bool isScalar() const { return node_.IsScalar(); }
    std::string string() const;
    std::string nonEmptyString() const;
    bool boolean() const;

    // An integer in [min, max]; max defaults to what T can hold.
    template <typename T>
    T integer(T min, T max = std::numeric_limits<T>::max()) const {
        const bool hasRealMax = max != std::numeric_limits<T>::max();
        return static_cast<T>(integerIn(min, max, hasRealMax));
    }

    // Calls the handler named by each key, in document order. Unknown and
    // repeated keys are errors. An empty value counts as an empty mapping, so
    // a section whose keys are all commented out is fine.
    void readMapping(const Handlers& handlers) const;

    // Calls visit for each item, keyed "<key>[index]". An empty value counts
    // as an empty list.
    void readList(const Handler& visit) const;

  private:
    std::int64_t integerIn(std::int64_t min, std::int64_t max, bool hasRealMax) const;
    [[noreturn]] void failType(std::string_view expected) const;
    std::string childKey(std::string_view name) const;

    const std::string& source_;
    YAML::Node node_;
    std::string key_;
    int line_;
};

// The known key closest to an unknown one when the match is obvious (a typo,
// camelCase for snake_case), otherwise empty.
std::string closestKey(std::string_view unknown, const std::vector<std::string_view>& known);

}  // namespace muster::config::detail
