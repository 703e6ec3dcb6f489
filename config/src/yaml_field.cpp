#include "yaml_field.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>

#include "muster/core/error.hpp"

namespace muster::config::detail {
namespace {

// yaml-cpp marks are 0-based and -1 for nodes it made up (empty values).
int lineOf(const YAML::Node& node, int fallback) {
    const int line = node.Mark().line;
    return line >= 0 ? line + 1 : fallback;
}

// How a value reads in "expected X, got Y".
std::string describe(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Scalar:
            return "\"" + node.Scalar() + "\"";
        case YAML::NodeType::Map:
            return "a mapping";
        case YAML::NodeType::Sequence:
            return "a list";
        default:
            return "an empty value";
    }
}

std::string lowercase(std::string_view text) {
    std::string result(text);
    std::transform(result.begin(), result.end(), result.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return result;
}

// Case and separators do not make keys different for suggestions, so
// "maxQueued" and "max-queued" both lead to "max_queued".
std::string normalizedKey(std::string_view key) {
    std::string result;
    for (char c : lowercase(key)) {
        if (c != '_' && c != '-') result += c;
    }
    return result;
}

// Optimal string alignment distance: edits plus swaps of neighbours, the
// usual shape of a typo ("prot" for "port").
std::size_t editDistance(const std::string& a, const std::string& b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.size()][b.size()];
}

std::string rangeProblem(std::int64_t min, std::int64_t max, bool hasRealMax, bool tooLow) {
    if (hasRealMax) return "must be between " + std::to_string(min) + " and " + std::to_string(max);
    return tooLow ? "must be at least " + std::to_string(min)
                  : "must be at most " + std::to_string(max);
}

}  // namespace

Field::Field(const std::string& source, YAML::Node node, std::string key, int line)
    : source_(source), node_(std::move(node)), key_(std::move(key)), line_(line) {}

Field Field::root(const std::string& source, const YAML::Node& node) {
    return Field(source, node, "", lineOf(node, 1));
}

void Field::fail(std::string_view problem) const {
    std::string message = source_ + ":" + std::to_string(line_) + ": ";
    if (!key_.empty()) message += key_ + ": ";
    message += problem;
    throw Error(ErrorCode::invalid_input, message, key_);
}

void Field::failType(std::string_view expected) const {
    fail("expected " + std::string(expected) + ", got " + describe(node_));
}

std::string Field::childKey(std::string_view name) const {
    return key_.empty() ? std::string(name) : key_ + "." + std::string(name);
}

Field Field::absentChild(std::string_view name) const {
    return Field(source_, YAML::Node(), childKey(name), line_);
}

void Field::failMissing(std::string_view name) const {
    absentChild(name).fail("required key is missing");
}

std::string Field::string() const {
    if (!node_.IsScalar()) failType("a string");
    return node_.Scalar();
}

std::string Field::nonEmptyString() const {
    std::string value = string();
    if (value.empty()) fail("must not be empty");
    return value;
}

bool Field::boolean() const {
    // YAML 1.1 spellings only; "1", "y" and the like are more often typos.
    if (node_.IsScalar()) {
        const std::string value = lowercase(node_.Scalar());
        if (value == "true" || value == "yes" || value == "on") return true;
        if (value == "false" || value == "no" || value == "off") return false;
    }
    failType("a boolean (true/false, yes/no, on/off)");
}

std::int64_t Field::integerIn(std::int64_t min, std::int64_t max, bool hasRealMax) const {
    if (!node_.IsScalar()) failType("an integer");
    const std::string& text = node_.Scalar();
    const char* end = text.data() + text.size();
    std::int64_t value = 0;
    const auto [stop, error] = std::from_chars(text.data(), end, value);
    if (text.empty() || stop != end || error == std::errc::invalid_argument) {
        failType("an integer");
    }
    // Too big even for int64: still a number, so report the range it breaks.
    const bool overflow = error == std::errc::result_out_of_range;
    const bool tooLow = overflow ? text.front() == '-' : value < min;
    const bool tooHigh = overflow ? text.front() != '-' : value > max;
    if (tooLow || tooHigh) fail(rangeProblem(min, max, hasRealMax, tooLow) + ", got " + text);
    return value;
}

void Field::readMapping(const Handlers& handlers) const {
    if (node_.IsNull()) return;
    if (!node_.IsMap()) failType("a mapping");
    // yaml-cpp keeps repeated keys; without this check the last one would
    // silently win.
    std::map<std::string, int, std::less<>> firstLine;
    for (const auto& entry : node_) {
        const int line = lineOf(entry.first, line_);
        if (!entry.first.IsScalar()) {
            Field(source_, entry.first, key_, line).failType("a key name");
        }
        const std::string& name = entry.first.Scalar();
        const Field child(source_, entry.second, childKey(name), line);
        const auto handler = std::find_if(handlers.begin(), handlers.end(),
                                          [&](const auto& known) { return known.first == name; });
        if (handler == handlers.end()) {
            std::vector<std::string_view> known;
            for (const auto& candidate : handlers) known.push_back(candidate.first);
            const std::string suggestion = closestKey(name, known);
            child.fail(suggestion.empty()
                           ? "unknown key"
                           : "unknown key (did you mean " + childKey(suggestion) + "?)");
        }
        if (auto seen = firstLine.find(name); seen != firstLine.end()) {
            child.fail("duplicate key, first written on line " + std::to_string(seen->second));
        }
        firstLine.emplace(name, line);
        handler->second(child);
    }
}

void Field::readList(const Handler& visit) const {
    if (node_.IsNull()) return;
    if (!node_.IsSequence()) failType("a list");
    std::size_t index = 0;
    for (const auto& item : node_) {
        visit(Field(source_, item, key_ + "[" + std::to_string(index) + "]", lineOf(item, line_)));
        ++index;
    }
}

std::string closestKey(std::string_view unknown, const std::vector<std::string_view>& known) {
    const std::string wanted = normalizedKey(unknown);
    // Short keys tolerate one slip, longer ones two; more and any key would do.
    const std::size_t tolerance = wanted.size() <= 4 ? 1 : 2;
    std::string best;
    std::size_t bestDistance = tolerance + 1;
    bool tie = false;
    for (std::string_view candidate : known) {
        const std::size_t distance = editDistance(wanted, normalizedKey(candidate));
        if (distance < bestDistance) {
            best = candidate;
            bestDistance = distance;
            tie = false;
        } else if (distance == bestDistance) {
            tie = true;
        }
    }
    // Two equally close keys: neither is obvious.
    return tie || bestDistance > tolerance ? std::string() : best;
}

}  // namespace muster::config::detail
