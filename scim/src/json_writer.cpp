#include "muster/scim/json_writer.hpp"

#include "utf8.hpp"

namespace muster::scim {

namespace {

constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";

void appendEscapedControl(std::string& out, unsigned char byte) {
    switch (byte) {
        case '\b':
            out += "\\b";
            return;
        case '\f':
            out += "\\f";
            return;
        case '\n':
            out += "\\n";
            return;
        case '\r':
            out += "\\r";
            return;
        case '\t':
            out += "\\t";
            return;
        default:
            break;
    }
    static constexpr char hex[] = "0123456789abcdef";
    out += "\\u00";
    out += hex[byte >> 4];
    out += hex[byte & 0x0F];
}

// Bytes that cannot be copied as they are: control characters, the quote,
// the backslash, and the start of a multi-byte sequence (to be checked).
constexpr bool needsCare(unsigned char byte) {
    return byte < 0x20 || byte == '"' || byte == '\\' || byte >= 0x80;
}

}  // namespace

void appendJsonString(std::string& out, std::string_view text) {
    out += '"';
    std::size_t i = 0;
    while (i < text.size()) {
        // Copy the longest run of plain bytes in one go.
        std::size_t plainEnd = i;
        while (plainEnd < text.size() && !needsCare(static_cast<unsigned char>(text[plainEnd]))) {
            ++plainEnd;
        }
        out.append(text.data() + i, plainEnd - i);
        i = plainEnd;
        if (i == text.size()) break;
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte >= 0x80) {
            const std::size_t length = detail::utf8SequenceLength(text.substr(i));
            if (length > 0) {
                out.append(text.data() + i, length);
                i += length;
                continue;
            }
            out += kReplacementCharacter;
        } else if (byte == '"' || byte == '\\') {
            out += '\\';
            out += static_cast<char>(byte);
        } else {
            appendEscapedControl(out, byte);
        }
        ++i;
    }
    out += '"';
}

void JsonWriter::beforeValue() {
    if (afterKey_) {
        afterKey_ = false;
        return;
    }
    if (!needsComma_.empty()) {
        if (needsComma_.back()) out_ += ',';
        needsComma_.back() = true;
    }
}

JsonWriter& JsonWriter::open(char bracket) {
    beforeValue();
    out_ += bracket;
    needsComma_.push_back(false);
    return *this;
}

JsonWriter& JsonWriter::close(char bracket) {
    out_ += bracket;
    needsComma_.pop_back();
    return *this;
}

JsonWriter& JsonWriter::beginObject() { return open('{'); }
JsonWriter& JsonWriter::endObject() { return close('}'); }
JsonWriter& JsonWriter::beginArray() { return open('['); }
JsonWriter& JsonWriter::endArray() { return close(']'); }

JsonWriter& JsonWriter::key(std::string_view name) {
    beforeValue();
    appendJsonString(out_, name);
    out_ += ':';
    afterKey_ = true;
    return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
    beforeValue();
    appendJsonString(out_, text);
    return *this;
}

JsonWriter& JsonWriter::value(std::int64_t number) {
    beforeValue();
    out_ += std::to_string(number);
    return *this;
}

JsonWriter& JsonWriter::value(bool flag) {
    beforeValue();
    out_ += flag ? "true" : "false";
    return *this;
}

JsonWriter& JsonWriter::rawValue(std::string_view json) {
    beforeValue();
    out_ += json;
    return *this;
}

}  // namespace muster::scim
