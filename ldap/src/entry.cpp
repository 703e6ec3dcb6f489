#include "muster/ldap/entry.hpp"

#include <algorithm>
#include <cctype>

namespace muster::ldap {

namespace {

const std::vector<std::string>& noValues() {
    static const std::vector<std::string> empty;
    return empty;
}

void appendHex(std::string& out, unsigned char byte) {
    constexpr const char* digits = "0123456789abcdef";
    out += digits[byte >> 4];
    out += digits[byte & 0x0f];
}

}  // namespace

std::string lowerName(std::string_view name) {
    std::string out(name);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

const std::vector<std::string>& Entry::values(std::string_view name) const {
    // Names are usually given in lower case already: no copy then.
    const bool lower =
        std::none_of(name.begin(), name.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    auto found = lower ? attributes.find(name) : attributes.find(lowerName(name));
    return found == attributes.end() ? noValues() : found->second;
}

const std::string& Entry::first(std::string_view name) const {
    static const std::string empty;
    const auto& all = values(name);
    return all.empty() ? empty : all.front();
}

bool Entry::has(std::string_view name) const { return !values(name).empty(); }

std::string formatObjectGuid(std::string_view bytes) {
    std::string out;
    if (bytes.size() != 16) {
        for (char c : bytes) appendHex(out, static_cast<unsigned char>(c));
        return out;
    }
    // Data1 (4 bytes), Data2 and Data3 (2 each) are little-endian; the last 8 in order.
    static constexpr int order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
        appendHex(out, static_cast<unsigned char>(bytes[order[i]]));
    }
    return out;
}

std::string formatUuid(std::string_view bytes) {
    std::string out;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (bytes.size() == 16 && (i == 4 || i == 6 || i == 8 || i == 10)) out += '-';
        appendHex(out, static_cast<unsigned char>(bytes[i]));
    }
    return out;
}

}  // namespace muster::ldap
