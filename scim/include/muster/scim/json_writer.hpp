#pragma once

// Writes JSON text straight into a string, for responses on the hot path:
// building an nlohmann::json DOM first and serialising it cost several times
// more than the data read from the store (a std::map node and a string copy
// per attribute, then a UTF-8 check per byte).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace muster::scim {

class JsonWriter {
  public:
    // `expectedSize`: room reserved up front, to spare regrowing the text.
    explicit JsonWriter(std::size_t expectedSize = 1024) { out_.reserve(expectedSize); }

    JsonWriter& beginObject();
    JsonWriter& endObject();
    JsonWriter& beginArray();
    JsonWriter& endArray();
    // The name of the next member of the current object.
    JsonWriter& key(std::string_view name);
    JsonWriter& value(std::string_view text);
    JsonWriter& value(const char* text) { return value(std::string_view(text)); }
    JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
    JsonWriter& value(std::int64_t number);
    JsonWriter& value(bool flag);
    // A value that is already JSON text (a resource rendered before).
    JsonWriter& rawValue(std::string_view json);

    // key + value, and the same only when `text` is not empty.
    template <typename Value>
    JsonWriter& member(std::string_view name, const Value& v) {
        return key(name).value(v);
    }
    JsonWriter& memberIfSet(std::string_view name, const std::string& text) {
        return text.empty() ? *this : member(name, text);
    }

    const std::string& text() const { return out_; }
    std::string take() { return std::move(out_); }

  private:
    void beforeValue();
    JsonWriter& open(char bracket);
    JsonWriter& close(char bracket);

    std::string out_;
    // Per open object or array: does the next element need a comma?
    std::vector<bool> needsComma_;
    bool afterKey_ = false;
};

// Appends `text` as a JSON string literal. Malformed UTF-8 becomes U+FFFD, so
// the output is always valid JSON whatever a directory or client stored.
void appendJsonString(std::string& out, std::string_view text);

}  // namespace muster::scim
