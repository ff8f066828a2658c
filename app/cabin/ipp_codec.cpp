#include "ipp_codec.hpp"

#include <cstdio>

namespace tc::cabin::ipp {

RequestBuilder::RequestBuilder(std::uint16_t operation, std::uint32_t requestId,
                               std::string_view printerUri) {
    m_bytes += '\x01'; // IPP/1.1
    m_bytes += '\x01';
    put16(operation);
    put16(requestId >> 16);
    put16(requestId & 0xFFFF);
    m_bytes += static_cast<char>(tag::operationGroup);
    add(tag::charset, "attributes-charset", "utf-8");
    add(tag::naturalLanguage, "attributes-natural-language", "fr");
    add(tag::uri, "printer-uri", printerUri);
}

void RequestBuilder::put16(std::size_t v) {
    m_bytes += static_cast<char>((v >> 8) & 0xFF);
    m_bytes += static_cast<char>(v & 0xFF);
}

RequestBuilder& RequestBuilder::add(std::uint8_t valueTag, std::string_view name,
                                    std::string_view value) {
    m_bytes += static_cast<char>(valueTag);
    put16(name.size());
    m_bytes += name;
    put16(value.size());
    m_bytes += value;
    return *this;
}

RequestBuilder& RequestBuilder::addInteger(std::uint8_t valueTag, std::string_view name,
                                           std::int32_t value) {
    const auto u = static_cast<std::uint32_t>(value);
    const char bytes[4] = {static_cast<char>(u >> 24), static_cast<char>((u >> 16) & 0xFF),
                           static_cast<char>((u >> 8) & 0xFF), static_cast<char>(u & 0xFF)};
    return add(valueTag, name, std::string_view(bytes, 4));
}

RequestBuilder& RequestBuilder::alsoValue(std::uint8_t valueTag, std::string_view value) {
    return add(valueTag, {}, value);
}

std::string RequestBuilder::finish(std::string_view document) {
    m_bytes += static_cast<char>(tag::end);
    m_bytes += document;
    return std::move(m_bytes);
}

const Attribute* Response::find(std::string_view name) const {
    for (const auto& a : attributes) {
        if (a.name == name) {
            return &a;
        }
    }
    return nullptr;
}

std::optional<std::int32_t> Response::integer(std::string_view name) const {
    const auto* a = find(name);
    if (a == nullptr || (a->valueTag != tag::integer && a->valueTag != tag::enumeration) ||
        a->values.empty() || a->values[0].size() != 4) {
        return std::nullopt;
    }
    const auto& v = a->values[0];
    const auto u = static_cast<std::uint32_t>(static_cast<std::uint8_t>(v[0])) << 24 |
                   static_cast<std::uint32_t>(static_cast<std::uint8_t>(v[1])) << 16 |
                   static_cast<std::uint32_t>(static_cast<std::uint8_t>(v[2])) << 8 |
                   static_cast<std::uint8_t>(v[3]);
    return static_cast<std::int32_t>(u);
}

std::vector<std::string> Response::strings(std::string_view name) const {
    const auto* a = find(name);
    if (a == nullptr) {
        return {};
    }
    if (a->valueTag == tag::textWithLanguage || a->valueTag == tag::nameWithLanguage) {
        std::vector<std::string> out; // language length, language, text length, text
        for (const auto& v : a->values) {
            if (v.size() < 2) {
                continue;
            }
            const std::size_t lang =
                static_cast<std::uint8_t>(v[0]) << 8 | static_cast<std::uint8_t>(v[1]);
            if (v.size() >= 4 + lang) {
                out.push_back(v.substr(4 + lang));
            }
        }
        return out;
    }
    return a->values;
}

std::optional<Response> decode(std::string_view bytes) {
    std::size_t at = 0;
    const auto need = [&](std::size_t n) {
        return at + n <= bytes.size();
    };
    const auto read16 = [&] {
        const std::size_t v =
            static_cast<std::uint8_t>(bytes[at]) << 8 | static_cast<std::uint8_t>(bytes[at + 1]);
        at += 2;
        return v;
    };
    if (!need(8)) {
        return std::nullopt;
    }
    Response r;
    r.versionMajor = static_cast<std::uint8_t>(bytes[0]);
    r.versionMinor = static_cast<std::uint8_t>(bytes[1]);
    at = 2;
    r.status = static_cast<std::uint16_t>(read16());
    r.requestId = static_cast<std::uint32_t>(read16() << 16);
    r.requestId |= static_cast<std::uint32_t>(read16());
    std::uint8_t group = 0;
    while (need(1)) {
        const auto t = static_cast<std::uint8_t>(bytes[at]);
        if (t == tag::end) {
            return r;
        }
        if (t < 0x10) { // a delimiter: a new attribute group
            group = t;
            ++at;
            continue;
        }
        ++at;
        if (!need(2)) {
            return std::nullopt;
        }
        const auto nameLength = read16();
        if (!need(nameLength + 2)) {
            return std::nullopt;
        }
        const auto name = bytes.substr(at, nameLength);
        at += nameLength;
        const auto valueLength = read16();
        if (!need(valueLength)) {
            return std::nullopt;
        }
        const auto value = std::string(bytes.substr(at, valueLength));
        at += valueLength;
        if (nameLength == 0) {
            if (r.attributes.empty()) {
                return std::nullopt; // an additional value of nothing
            }
            r.attributes.back().values.push_back(value);
        } else {
            r.attributes.push_back({group, t, std::string(name), {value}});
        }
    }
    return std::nullopt; // no end-of-attributes tag
}

std::string statusName(std::uint16_t status) {
    switch (status) {
    case 0x0000:
        return "successful-ok";
    case 0x0001:
        return "successful-ok-ignored-or-substituted-attributes";
    case 0x0400:
        return "client-error-bad-request";
    case 0x0406:
        return "client-error-not-found";
    case 0x040A:
        return "client-error-document-format-not-supported";
    case 0x040B:
        return "client-error-attributes-or-values-not-supported";
    case 0x0500:
        return "server-error-internal-error";
    case 0x0506:
        return "server-error-not-accepting-jobs";
    case 0x0507:
        return "server-error-busy";
    default:
        break;
    }
    char text[8];
    std::snprintf(text, sizeof text, "0x%04X", status);
    return text;
}

} // namespace tc::cabin::ipp
